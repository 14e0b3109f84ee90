using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

/// <summary>memcache: the text protocol's "version" command answers "VERSION x".</summary>
public sealed class MemcacheCheck : ICheckType
{
    private const int DefaultPort = 11211;
    private static readonly byte[] VersionCommand = "version\r\n"u8.ToArray();

    public string Name => "memcache";

    public IReadOnlyList<string> Aliases => ["memcached"];

    public IReadOnlyList<FieldSpec> Fields { get; } = [FieldSpec.Host, FieldSpec.Port()];

    public CheckTarget Describe(CheckFields fields) => CheckTarget.OfHostPort("memcache", fields, DefaultPort);

    public IReadOnlyList<string> OriginalStepNames(CheckFields fields)
    {
        var (host, port) = (fields.String("host"), fields.Int("port", DefaultPort));
        return OriginalNames.Prefixed($"memcache:{host}:{port}", $"tcp:{host}:{port}", "connect");
    }

    public Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var host = fields.String("host");
        var port = fields.Int("port", DefaultPort);
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
