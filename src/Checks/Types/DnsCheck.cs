using System.Net;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using DnsClient;
using DnsClient.Protocol;

namespace ConnCheck.Checks.Types;

/// <summary>
/// dns: asks <c>server</c> (or the host's resolvers) for <c>query</c>'s <c>record</c> and compares the
/// answer with <c>expect</c>, which a zone may override (<c>zones: {web: {expect: [...]}}</c>): with
/// split-horizon DNS each zone's resolver gives its own answer. NXDOMAIN, SERVFAIL, REFUSED, no
/// answer and a wrong answer each have their own reason.
/// </summary>
public sealed class DnsCheck : ICheckType
{
    private const int DefaultPort = 53;

    /// <summary>The destination of a check that asks the host's own resolvers: none a firewall rule can name.</summary>
    public const string SystemResolvers = "system-resolvers";

    private static readonly string[] Records = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "NS", "PTR"];

    public string Name => "dns";

    public IReadOnlyList<FieldSpec> Fields { get; } =
    [
        new("server", FieldKind.Host),
        FieldSpec.Port(),
        new("query", FieldKind.String, Required: true),
        new("record", FieldKind.String),
        new("expect", FieldKind.StringList),
        new("exact", FieldKind.Boolean),
        new("transport", FieldKind.String),
        new("recursion", FieldKind.Boolean),
        new("zones", FieldKind.ZoneOverrides),
    ];

    public IReadOnlyList<string> ZoneOverridable => ["expect", "exact"];

    public FieldError? Validate(CheckFields fields) =>
        !Records.Contains(Record(fields)) ? new FieldError("record", $"dns 'record' must be one of {string.Join(", ", Records)}, got '{fields.OptionalString("record")}'")
        : TransportWord(fields) is not ("udp" or "tcp") ? new FieldError("transport", $"dns 'transport' must be udp or tcp, got '{fields.OptionalString("transport")}'")
        : fields.Bool("exact", false) && !fields.Has("expect") ? new FieldError("exact", "dns 'exact: true' needs an 'expect' list")
        : null;

    public byte[] UdpProbe(CheckFields fields) =>
        DnsProbe.Query((ushort)Random.Shared.Next(ushort.MaxValue), Question(fields), (ushort)Enum.Parse<QueryType>(Record(fields)), fields.Bool("recursion", true));

    public CheckTarget Describe(CheckFields fields)
    {
        var query = $"{QueryName(fields)}/{Record(fields)}";
        if (fields.OptionalString("server") is not { } server)
        {
            return new CheckTarget($"dns:{query}", new Destination(SystemResolvers, 0, Transport(fields)));
        }

        var port = fields.Int("port", DefaultPort);
        return new CheckTarget($"dns:{query}@{HostPort.Format(server, port)}", new Destination(server, port, Transport(fields)));
    }

    public async Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var zoned = fields.ForZone(context.Zone);
        var target = Describe(fields);
        return await Steps.RunAsync(cancellationToken, new CheckStep(target.Name, ct => QueryAsync(zoned, context, ct))).ConfigureAwait(false);
    }

    private static string Record(CheckFields fields) => fields.String("record", "A").ToUpperInvariant();

    private static string TransportWord(CheckFields fields) => fields.String("transport", "udp").ToLowerInvariant();

    private static DestinationProtocol Transport(CheckFields fields) => TransportWord(fields) == "tcp" ? DestinationProtocol.Tcp : DestinationProtocol.Udp;

    private static string QueryName(CheckFields fields) => fields.String("query");

    // A PTR query may name the address itself: asked as its in-addr.arpa / ip6.arpa name.
    private static string Question(CheckFields fields) =>
        Record(fields) == "PTR" && IPAddress.TryParse(QueryName(fields), out var address) ? address.GetArpaName() : QueryName(fields);

    private static async Task<StepResult> QueryAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var (address, port) = await ServerAsync(fields, cancellationToken).ConfigureAwait(false);
        var record = Record(fields);
        var type = Enum.Parse<QueryType>(record);
        var name = QueryName(fields);
        var question = Question(fields);
        var tcp = Transport(fields) == DestinationProtocol.Tcp;
        var recursion = fields.Bool("recursion", true);
        if (await DnsProbe.ProblemAsync(address, port, tcp, question, (ushort)type, recursion, context, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return StepResult.Fail(problem);
        }

        var options = new LookupClientOptions(new NameServer(address, port))
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
            response = await new LookupClient(options).QueryAsync(question, type, QueryClass.IN, cancellationToken).ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            // The server answered the probe like a DNS server; this is the library's word for what followed.
            return StepResult.Fail(Failures.OneLine(ex.InnerException is { } inner && !Service.IsTimeout(inner) ? inner.Message : ex.Message, 200));
        }

        return DnsAnswer.Judge(response, record, name, fields.StringList("expect"), fields.Bool("exact", false));
    }

    // The host's resolvers: the first in its resolver configuration, the one a lookup tries first.
    private static async Task<(IPAddress Address, int Port)> ServerAsync(CheckFields fields, CancellationToken cancellationToken)
    {
        if (fields.OptionalString("server") is { } server)
        {
            return ((await Net.ResolveAsync(server, cancellationToken).ConfigureAwait(false))[0], fields.Int("port", DefaultPort));
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
