using System.Net;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using DnsClient;
using DnsClient.Protocol;

namespace ConnCheck.Checks.Types;

public sealed record DnsOptions(
    [Kind(FieldKind.Host)] string? Server, [Kind(FieldKind.Port)] int? Port, [Required] string Query, string? Record,
    IReadOnlyList<string>? Expect, bool? Exact, string? Transport, bool? Recursion) : CheckOptions;

/// <summary>
/// dns: asks <c>server</c> (or the host's resolvers) for <c>query</c>'s <c>record</c> and compares the
/// answer with <c>expect</c>, which a zone may override (<c>zones: {web: {expect: [...]}}</c>): with
/// split-horizon DNS each zone's resolver gives its own answer. NXDOMAIN, SERVFAIL, REFUSED, no
/// answer and a wrong answer each have their own reason.
/// </summary>
public sealed class DnsCheck : CheckType<DnsOptions>
{
    private const int DefaultPort = 53;

    /// <summary>The destination of a check that asks the host's own resolvers: none a firewall rule can name.</summary>
    public const string SystemResolvers = "system-resolvers";

    private static readonly string[] Records = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "NS", "PTR"];

    public override string Name => "dns";

    public override IReadOnlyList<FieldSpec> Fields { get; } = [.. OptionFields.Of(typeof(DnsOptions)).Specs, new("zones", FieldKind.ZoneOverrides)];

    public override IReadOnlyList<string> ZoneOverridable => ["expect", "exact"];

    public override FieldError? Validate(CheckFields fields) =>
        !Records.Contains(Record(fields.OptionalString("record"))) ? new FieldError("record", $"dns 'record' must be one of {string.Join(", ", Records)}, got '{fields.OptionalString("record")}'")
        : Transport(fields.OptionalString("transport")) is not ("udp" or "tcp") ? new FieldError("transport", $"dns 'transport' must be udp or tcp, got '{fields.OptionalString("transport")}'")
        : fields.Bool("exact", false) && !fields.Has("expect") ? new FieldError("exact", "dns 'exact: true' needs an 'expect' list")
        : null;

    public override byte[] UdpProbe(DnsOptions options) =>
        DnsProbe.Query((ushort)Random.Shared.Next(ushort.MaxValue), Question(options), (ushort)Enum.Parse<QueryType>(Record(options.Record)), options.Recursion ?? true);

    public override CheckTarget Describe(DnsOptions options)
    {
        var query = $"{options.Query}/{Record(options.Record)}";
        if (options.Server is not { } server)
        {
            return new CheckTarget($"dns:{query}", new Destination(SystemResolvers, 0, Protocol(options)));
        }

        var port = options.Port ?? DefaultPort;
        return new CheckTarget($"dns:{query}@{HostPort.Format(server, port)}", new Destination(server, port, Protocol(options)));
    }

    // The options arrive with the zone's own expect/exact already applied (CheckSpec.ZoneOptions).
    public override async Task<CheckOutcome> RunAsync(DnsOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var target = Describe(options);
        return await Steps.RunAsync(cancellationToken, new CheckStep(target.Name, ct => QueryAsync(options, context, ct))).ConfigureAwait(false);
    }

    // As written, in any case; unset is A over udp.
    private static string Record(string? written) => (written ?? "A").ToUpperInvariant();

    private static string Transport(string? written) => (written ?? "udp").ToLowerInvariant();

    private static DestinationProtocol Protocol(DnsOptions options) => Transport(options.Transport) == "tcp" ? DestinationProtocol.Tcp : DestinationProtocol.Udp;

    // A PTR query may name the address itself: asked as its in-addr.arpa / ip6.arpa name.
    private static string Question(DnsOptions options) =>
        Record(options.Record) == "PTR" && IPAddress.TryParse(options.Query, out var address) ? address.GetArpaName() : options.Query;

    private static async Task<StepResult> QueryAsync(DnsOptions options, CheckContext context, CancellationToken cancellationToken)
    {
        var (address, port) = await ServerAsync(options, cancellationToken).ConfigureAwait(false);
        var record = Record(options.Record);
        var type = Enum.Parse<QueryType>(record);
        var name = options.Query;
        var question = Question(options);
        var tcp = Protocol(options) == DestinationProtocol.Tcp;
        var recursion = options.Recursion ?? true;
        if (await DnsProbe.ProblemAsync(address, port, tcp, question, (ushort)type, recursion, context, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return StepResult.Fail(problem);
        }

        var lookup = new LookupClientOptions(new NameServer(address, port))
        {
            UseCache = false,
            Retries = 0,
            Timeout = context.Timeout,
            UseTcpOnly = tcp,
            UseTcpFallback = true,
            Recursion = recursion,
            ThrowDnsErrors = false,
            ContinueOnDnsError = false,
            ContinueOnEmptyResponse = false,
        };
        IDnsQueryResponse response;
        try
        {
            response = await new LookupClient(lookup).QueryAsync(question, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            // The server answered the probe like a DNS server; this is the library's word for what followed.
            return StepResult.Fail(Failures.OneLine(ex.InnerException is { } inner && !Service.IsTimeout(inner) ? inner.Message : ex.Message, 200));
        }

        return DnsAnswer.Judge(response, record, name, options.Expect ?? Array.Empty<string>(), options.Exact == true);
    }

    // The host's resolvers: the first in its resolver configuration, the one a lookup tries first.
    private static async Task<(IPAddress Address, int Port)> ServerAsync(DnsOptions options, CancellationToken cancellationToken)
    {
        if (options.Server is { } server)
        {
            return ((await Net.ResolveAsync(server, cancellationToken).ConfigureAwait(false))[0], options.Port ?? DefaultPort);
        }

        var first = NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false).FirstOrDefault()
            ?? throw new InvalidOperationException("this host has no DNS resolver configured (/etc/resolv.conf)");
        return (IPAddress.Parse(first.Address), first.Port);
    }
}

/// <summary>Judges a DNS response against what the check expects; plain, so that it is testable without a server.</summary>
public static class DnsAnswer
{
    public static StepResult Judge(IDnsQueryResponse response, string record, string name, IReadOnlyList<string> expect, bool exact)
    {
        var server = response.NameServer is { } ns ? $" (server {HostPort.Format(ns.Address, ns.Port)})" : "";
        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                break;
            case DnsHeaderResponseCode.NotExistentDomain:
                return StepResult.Fail($"NXDOMAIN: {name} does not exist{server}");
            case DnsHeaderResponseCode.ServerFailure:
                return StepResult.Fail($"SERVFAIL: the server failed to answer for {name}{server}");
            case DnsHeaderResponseCode.Refused:
                return StepResult.Fail($"REFUSED: the server refused to answer for {name}{server}");
            default:
                return StepResult.Fail($"{response.Header.ResponseCode} for {name}{server}");
        }

        var answers = response.Answers.Select(a => Text(a, record)).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (answers.Length == 0)
        {
            return StepResult.Fail($"no {record} record for {name}: the name exists but has no answer of that type{server}");
        }

        var got = string.Join(", ", answers);
        var missing = expect.Where(e => !answers.Any(a => Matches(a, e))).ToArray();
        var extra = exact ? answers.Where(a => !expect.Any(e => Matches(a, e))).ToArray() : [];
        if (missing.Length > 0 || extra.Length > 0)
        {
            return StepResult.Fail($"wrong answer for {name} {record}: got {got}, expected {(exact ? "exactly " : "")}{string.Join(", ", expect)}{server}");
        }

        return StepResult.Ok(got);
    }

    // An expected value matches the whole answer ("10 mail.example.com") or its name ("mail.example.com").
    private static bool Matches(string answer, string expected)
    {
        var wanted = expected.TrimEnd('.');
        return string.Equals(answer, wanted, StringComparison.OrdinalIgnoreCase)
            || string.Equals(answer.Split(' ')[^1], wanted, StringComparison.OrdinalIgnoreCase);
    }

    private static string? Text(DnsResourceRecord answer, string record) => (answer, record) switch
    {
        (ARecord a, "A") => a.Address.ToString(),
        (AaaaRecord a, "AAAA") => a.Address.ToString(),
        (CNameRecord c, "CNAME") => Bare(c.CanonicalName),
        (MxRecord m, "MX") => $"{m.Preference} {Bare(m.Exchange)}",
        (TxtRecord t, "TXT") => string.Concat(t.Text),
        (SrvRecord s, "SRV") => $"{s.Priority} {s.Weight} {s.Port} {Bare(s.Target)}",
        (NsRecord n, "NS") => Bare(n.NSDName),
        (PtrRecord p, "PTR") => Bare(p.PtrDomainName),
        _ => null,
    };

    private static string Bare(DnsString name) => name.Value.TrimEnd('.');
}
