using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace ConnCheck.Checks.Types;

public sealed record SshOptions(
    [Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, string? HostKeySha256, string? Username, [Secret] string? Password,
    string? PrivateKeyFile, [Secret] string? PrivateKeyPassphrase) : CheckOptions, IHostPortOptions;

/// <summary>
/// ssh: the server sends an SSH identification line (<c>SSH-2.0-...</c>); with <c>host_key_sha256</c>
/// its host key must have that fingerprint (as <c>ssh-keygen -lf</c> prints it); with a
/// <c>username</c> and a <c>password</c> or <c>private_key_file</c>, it must accept them. No command
/// is run and no session is opened.
/// </summary>
public sealed class SshCheck : HostPortCheck<SshOptions>
{
    protected override int DefaultPort => 22;

    // The identification line may follow other lines (RFC 4253 4.2); this much is plenty.
    private const int MaxPreamble = 4096;

    public override string Name => "ssh";

    public override FieldError? Validate(CheckFields fields)
    {
        if (fields.OptionalString("host_key_sha256") is { } pin && !pin.StartsWith("SHA256:", StringComparison.Ordinal))
        {
            return new FieldError("host_key_sha256", "ssh 'host_key_sha256' must be a fingerprint as ssh-keygen -lf prints it: SHA256:...");
        }

        var credentials = fields.Has("password") || fields.Has("private_key_file");
        return fields.Has("username") && !credentials ? new FieldError("username", "ssh 'username' needs a 'password' or a 'private_key_file'")
            : credentials && !fields.Has("username") ? new FieldError(fields.Has("password") ? "password" : "private_key_file", "ssh credentials need a 'username'")
            : fields.Has("private_key_passphrase") && !fields.Has("private_key_file") ? new FieldError("private_key_passphrase", "ssh 'private_key_passphrase' needs a 'private_key_file'")
            : null;
    }

    public override Task<CheckOutcome> RunAsync(SshOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var reached = new Reached();
        var steps = new List<CheckStep>
        {
            Net.TcpStep(host, port, reached),
            new("banner", ct => BannerAsync(reached, host, port, context, ct), IsMain: options.Username is null && options.HostKeySha256 is null),
        };
        if (options.Username is not null)
        {
            steps.Add(new("auth", ct => LoginAsync(options, reached.HostFor(host), port, context, ct), IsMain: true));
        }
        else if (options.HostKeySha256 is not null)
        {
            steps.Add(new("host key", ct => LoginAsync(options, reached.HostFor(host), port, context, ct), IsMain: true));
        }

        return Steps.RunAsync(cancellationToken, [.. steps]);
    }

    private static async Task<StepResult> BannerAsync(Reached reached, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        using var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
        try
        {
            // Both sides send their identification at once (RFC 4253 4.2); sending ours first makes
            // a server of another protocol that waits for its client (HTTP) answer with an error.
            await socket.SendAsync(Encoding.ASCII.GetBytes("SSH-2.0-conn-check\r\n"), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var read = new List<byte>();
            var buffer = new byte[512];
            while (read.Count < MaxPreamble)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return StepResult.Fail(read.Count == 0 ? "not an SSH server: the connection was closed without an identification line" : NotSsh(read));
                }

                read.AddRange(buffer.AsSpan(0, n));
                if (SshLine(read) is { } line)
                {
                    return line.StartsWith("SSH-2.0-", StringComparison.Ordinal) || line.StartsWith("SSH-1.99-", StringComparison.Ordinal)
                        ? StepResult.Ok(Failures.OneLine(line, 200))
                        : StepResult.Fail($"the server speaks an SSH version this check does not: '{Failures.OneLine(line, 100)}'");
                }

                // Text before the identification line is allowed, but not a line that is clearly another protocol.
                if (read.IndexOf((byte)'\n') >= 0 && !LooksLikePreamble(read))
                {
                    return StepResult.Fail(NotSsh(read));
                }
            }

            return StepResult.Fail(NotSsh(read));
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("an SSH server", context));
        }
    }

    private static string? SshLine(List<byte> read)
    {
        var text = Encoding.ASCII.GetString(read.ToArray());
        foreach (var line in text.Split('\n').SkipLast(1))
        {
            if (line.StartsWith("SSH-", StringComparison.Ordinal))
            {
                return line.TrimEnd('\r');
            }
        }

        return null;
    }

    // Protocols that greet first (SMTP "220 ", FTP, POP3 "+OK", IMAP "* OK") are not an SSH preamble.
    private static bool LooksLikePreamble(List<byte> read)
    {
        var first = Encoding.ASCII.GetString(read.ToArray()).Split('\n')[0];
        return !(first.Length >= 4 && char.IsAsciiDigit(first[0]) && char.IsAsciiDigit(first[1]) && char.IsAsciiDigit(first[2]) && first[3] is ' ' or '-')
            && !first.StartsWith("+OK", StringComparison.Ordinal) && !first.StartsWith("* OK", StringComparison.Ordinal)
            && !first.StartsWith("HTTP/", StringComparison.Ordinal);
    }

    private static string NotSsh(List<byte> read) => $"not an SSH server: unexpected greeting {Service.Quote(read.ToArray())}";

    private static async Task<StepResult> LoginAsync(SshOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        var username = options.Username;
        AuthenticationMethod method;
        PrivateKeyFile? key = null;
        try
        {
            method = username is null ? new NoneAuthenticationMethod("conn-check")
                : options.PrivateKeyFile is { } keyFile ? new PrivateKeyAuthenticationMethod(username, key = LoadKey(keyFile, options.PrivateKeyPassphrase))
                : new PasswordAuthenticationMethod(username, options.Password ?? "");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            return StepResult.Fail($"cannot read private_key_file: {Failures.OneLine(ex.Message, 200)}");
        }

        using (key)
        using (method as IDisposable)
        {
            var info = new ConnectionInfo(host, port, username ?? "conn-check", method) { Timeout = context.Timeout };
            using var client = new SshClient(info);
            var pin = options.HostKeySha256;
            string? seen = null;
            client.HostKeyReceived += (_, e) =>
            {
                seen = $"{e.HostKeyName} SHA256:{e.FingerPrintSHA256}";
                e.CanTrust = pin is null || string.Equals($"SHA256:{e.FingerPrintSHA256}", pin, StringComparison.Ordinal);
            };

            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
                client.Disconnect();
                return StepResult.Ok(username is null ? $"host key {seen}" : $"authenticated as {username}, host key {seen}");
            }
            catch (SshConnectionException) when (pin is not null && seen is not null && !seen.EndsWith(" " + pin, StringComparison.Ordinal))
            {
                return StepResult.Fail($"host key mismatch: the server's key is {seen}, expected {pin} (the host was rebuilt, or something is in the middle)");
            }
            catch (SshAuthenticationException) when (username is null)
            {
                // Only the host key was to be proven; the server asking for credentials is expected.
                return StepResult.Ok($"host key {seen}");
            }
            catch (SshAuthenticationException ex)
            {
                return StepResult.Fail($"authentication failed for user \"{username}\": {Failures.OneLine(ex.Message, 200)}");
            }
            catch (Exception ex) when (ex is SshOperationTimeoutException || Service.IsTimeout(ex))
            {
                return StepResult.Fail(Service.NoReply("an SSH server", context));
            }
            catch (SshException ex)
            {
                return StepResult.Fail($"SSH handshake failed: {Failures.OneLine(ex.Message, 200)}");
            }
        }
    }

    private static PrivateKeyFile LoadKey(string path, string? passphrase) =>
        passphrase is null ? new PrivateKeyFile(path) : new PrivateKeyFile(path, passphrase);
}
