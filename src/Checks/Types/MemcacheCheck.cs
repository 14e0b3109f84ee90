using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record MemcacheOptions([Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port) : CheckOptions, IHostPortOptions;

/// <summary>memcache: the text protocol's "version" command answers "VERSION x".</summary>
public sealed class MemcacheCheck : HostPortCheck<MemcacheOptions>
{
    protected override int DefaultPort => 11211;
    private static readonly byte[] VersionCommand = "version\r\n"u8.ToArray();

    public override string Name => "memcache";

    public override IReadOnlyList<string> Aliases => ["memcached"];

    public override IReadOnlyList<string> OriginalStepNames(MemcacheOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        return OriginalNames.Prefixed($"memcache:{host}:{port}", $"tcp:{host}:{port}", "connect");
    }

    public override Task<CheckOutcome> RunAsync(MemcacheOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var reached = new Reached();
        return Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), new CheckStep("connect", ct => VersionAsync(reached, host, port, context, ct), IsMain: true));
    }

    private static async Task<StepResult> VersionAsync(Reached reached, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        using var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
        try
        {
            var reply = await Service.ExchangeLineAsync(socket, VersionCommand, cancellationToken).ConfigureAwait(false);
            if (reply is null)
            {
                return StepResult.Fail("not a memcached server: the connection was closed without a reply");
            }

            return reply.AsSpan().StartsWith("VERSION "u8)
                ? StepResult.Ok("memcached " + Failures.OneLine(Encoding.ASCII.GetString(reply, 8, reply.Length - 8), 60))
                : StepResult.Fail($"not a memcached server: unexpected reply {Service.Quote(reply)}");
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a memcached server", context));
        }
    }
}
