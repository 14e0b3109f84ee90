namespace ConnCheck.Checks.Engine;

/// <summary>
/// A pass-through stream that remembers the first bytes the far end sent, so a failed handshake can
/// tell "not TLS at all" from "TLS that went wrong".
/// </summary>
public sealed class ObservingStream(Stream inner) : Stream
{
    private readonly byte[] first = new byte[32];
    private long bytesRead;

    public long BytesRead => Interlocked.Read(ref bytesRead);

    public ReadOnlySpan<byte> FirstBytes => first.AsSpan(0, (int)Math.Min(BytesRead, first.Length));

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Record(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Record(buffer.Span[..n]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();

    private int Record(ReadOnlySpan<byte> data)
    {
        var seen = BytesRead;
        if (seen < first.Length)
        {
            data[..(int)Math.Min(data.Length, first.Length - seen)].CopyTo(first.AsSpan((int)seen));
        }

        Interlocked.Add(ref bytesRead, data.Length);
        return data.Length;
    }
}
