using System.Reflection;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Protocol;

/// <summary>What --version prints: the release (Directory.Build.props, also the Debian packages' version) and the wire protocol.</summary>
public static class ProductVersion
{
    /// <summary>The release, without the +commit suffix the SDK appends to the informational version.</summary>
    public static string Release { get; } =
        (typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0").Split('+')[0];

    public static string Line(string program) => $"{program} {Release} (protocol {ProtocolVersion.Current})";
}
