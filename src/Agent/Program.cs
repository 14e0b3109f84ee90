using System.CommandLine;
using System.Runtime.InteropServices;
using ConnCheck.Agent;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol;
using ConnCheck.Protocol.Hosting;

var zone = new Option<string>("--zone") { Description = "Network zone this host is in (required)", Required = true };
var name = new Option<string?>("--name") { Description = "Agent name in reports (default: host name)" };
var bind = new Option<string>("--bind") { Description = "HOST:PORT to listen on", DefaultValueFactory = _ => "0.0.0.0:4550" };
var publicHostname = new Option<string?>("--public-hostname") { Description = "Host name or address other nodes use to reach this agent" };
var seeds = new Option<string[]>("--seed") { Description = "HOST:PORT of a seed agent (repeatable; also CONN_CHECK_SEEDS, comma separated); none = standalone" };
var allow = new Option<string[]>("--allow") { Description = "CIDR:PORTS this agent may connect to (repeatable, e.g. 10.0.0.0/24:5432, 10.0.0.7:80,443, 10.1.0.0/16:8000-8100 or :*); default: anywhere" };
var hocon = new Option<string?>("--hocon") { Description = "Extra HOCON file layered over hocon/agent.hocon (TLS, tuning)" };

var root = new RootCommand("conn-check-agent: runs conn-check checks from this host's vantage point for coordinators.")
{
    zone, name, bind, publicHostname, seeds, allow, hocon,
};

root.SetAction(async (parse, _) =>
{
    var zoneName = parse.GetValue(zone)!;
    if (zoneName.Length == 0 || !zoneName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || zoneName == "local")
    {
        await Console.Error.WriteLineAsync($"conn-check-agent: bad zone name '{zoneName}': use letters, digits, '-', '_' and '.' ('local' is the coordinator's own)").ConfigureAwait(false);
        return 3;
    }

    if (!AkkaAddress.TrySplit(parse.GetValue(bind)!, out var bindHost, out var bindPort))
    {
        await Console.Error.WriteLineAsync($"conn-check-agent: bad --bind '{parse.GetValue(bind)}': expected HOST:PORT").ConfigureAwait(false);
        return 3;
    }

    var options = new AgentOptions
    {
        Zone = zoneName,
        Name = parse.GetValue(name) ?? System.Net.Dns.GetHostName(),
        BindHost = bindHost,
        BindPort = bindPort,
        // --public-hostname [::1] or ::1: Akka wants the bare address.
        PublicHostname = parse.GetValue(publicHostname) is { } advertised ? ConnCheck.Checks.Model.HostPort.Bare(advertised) : null,
        // CONN_CHECK_SEEDS (comma separated) is how /etc/default/conn-check-agent gives them.
        Seeds = [.. parse.GetValue(seeds) ?? [], .. (Environment.GetEnvironmentVariable("CONN_CHECK_SEEDS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        HoconFile = parse.GetValue(hocon),
        Allow = parse.GetValue(allow) ?? [],
    };

    using var stop = new CancellationTokenSource();
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
    try
    {
        await new AgentHost(options, Console.Out).RunAsync(stop.Token).ConfigureAwait(false);
        return 0;
    }
    catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FileNotFoundException or FormatException or Akka.Configuration.ConfigurationException)
    {
        await Console.Error.WriteLineAsync($"conn-check-agent: {ex.Message}").ConfigureAwait(false);
        return 3;
    }
});

// --version needs no --zone, and says the protocol this agent speaks.
if (args.Contains("--version"))
{
    Console.WriteLine(ProductVersion.Line("conn-check-agent"));
    return 0;
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var problem in parsed.Errors)
    {
        await Console.Error.WriteLineAsync($"conn-check-agent: {problem.Message}").ConfigureAwait(false);
    }

    return 3;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
