using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>One allowlist entry: an address range and the ports allowed in it.</summary>
public sealed record AllowRule(IPAddress Network, int PrefixLength, IReadOnlyList<(int From, int To)> Ports, string Text)
{
    public bool Allows(IPAddress address, int port)
    {
        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (address.AddressFamily != Network.AddressFamily || !Ports.Any(r => port >= r.From && port <= r.To))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var network = Network.GetAddressBytes();
        var whole = PrefixLength / 8;
        if (!bytes.AsSpan(0, whole).SequenceEqual(network.AsSpan(0, whole)))
        {
            return false;
        }

        var rest = PrefixLength % 8;
        var mask = (byte)(0xFF << (8 - rest));
        return rest == 0 || (bytes[whole] & mask) == (network[whole] & mask);
    }

    public override string ToString() => Text;
}

/// <summary>
/// The destinations an agent may connect to (conn-check-agent --allow CIDR:PORTS, or
/// conn-check.agent.allow). A check whose destination is outside is refused before any connection:
/// host names are resolved first and every address they resolve to must be allowed.
/// </summary>
public sealed class Allowlist
{
    private readonly IReadOnlyList<AllowRule> rules;

    private Allowlist(IReadOnlyList<AllowRule> rules) => this.rules = rules;

    public IReadOnlyList<AllowRule> Rules => rules;

    /// <summary>Parses entries like 10.0.0.0/24:5432, 10.1.2.3:80,443, ::1/128:8000-8100, 0.0.0.0/0:*.</summary>
    /// <exception cref="FormatException">An entry is not CIDR:PORTS; the message names it.</exception>
    public static Allowlist Parse(IEnumerable<string> entries)
    {
        var rules = entries.Select(ParseRule).ToArray();
        return rules.Length > 0 ? new Allowlist(rules) : throw new FormatException("the allowlist is empty");
    }

    public bool Allows(IPAddress address, int port) => rules.Any(r => r.Allows(address, port));

    /// <summary>The outcome of a check refused before any connection: one failed step with the refusal.</summary>
    public static CheckOutcome Refused(string checkType, string refusal) => new([new SubCheckResult(checkType, false, 0, refusal)]);

    /// <summary>Why the agent must not connect to <paramref name="destination"/>, or null when it may.</summary>
    public async Task<string?> RefusalAsync(Destination destination, CancellationToken cancellationToken)
    {
        var host = destination.Host;
        if (host.StartsWith('/'))
        {
            return $"refused by agent allowlist: unix socket {host} is not a network destination";
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Net.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            return $"refused by agent allowlist: cannot resolve {host} to check it ({Failures.Describe(ex)})";
        }

        var outside = addresses.FirstOrDefault(a => !Allows(a, destination.Port));
        if (outside is null)
        {
            return null;
        }

        var shown = HostPort.Format(outside.ToString(), destination.Port);
        var named = HostPort.IsLiteral(host) ? shown : $"{host} ({shown})";
        return $"refused by agent allowlist: {named} not in {string.Join(", ", rules)}";
    }

    private static AllowRule ParseRule(string text)
    {
        var entry = text.Trim();
        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1)
        {
            throw Bad(text, "expected CIDR:PORTS, e.g. 10.0.0.0/24:5432");
        }

        var (network, prefix) = ParseCidr(entry[..colon].Trim('[', ']'), text);
        var ports = ParsePorts(entry[(colon + 1)..], text);
        return new AllowRule(network, prefix, ports, entry);
    }

    private static (IPAddress Network, int Prefix) ParseCidr(string text, string entry)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText.Trim('[', ']'), out var address))
        {
            throw Bad(entry, $"'{addressText}' is not an IP address (host names are not allowed: they can change)");
        }

        address = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            return (address, max);
        }

        return int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) && prefix <= max
            ? (address, prefix)
            : throw Bad(entry, $"prefix length must be 0-{max}");
    }

    private static IReadOnlyList<(int From, int To)> ParsePorts(string text, string entry)
    {
        if (text == "*")
        {
            return [(0, 65535)];
        }

        var ranges = new List<(int, int)>();
        foreach (var part in text.Split(','))
        {
            var dash = part.IndexOf('-', StringComparison.Ordinal);
            var from = Port(dash < 0 ? part : part[..dash], entry);
            var to = dash < 0 ? from : Port(part[(dash + 1)..], entry);
            ranges.Add(from <= to ? (from, to) : throw Bad(entry, $"port range {part} runs backwards"));
        }

        return ranges;
    }

    private static int Port(string text, string entry) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw Bad(entry, $"'{text}' is not a port (1-65535, a list 80,443, a range 8000-8100, or *)");

    private static FormatException Bad(string entry, string why) => new($"bad allowlist entry '{entry}': {why}");
}
