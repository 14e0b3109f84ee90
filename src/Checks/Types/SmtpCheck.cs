using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ConnCheck.Checks.Types;

public sealed record SmtpOptions(
    [Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, string? Username, [Secret] string? Password,
    string? FromAddress, string? ToAddress, string? Message, string? Subject,
    bool? HeloFallback, bool? UseTls, bool? Starttls, bool? DisableTlsVerification) : CheckOptions, IHostPortOptions;

/// <summary>
/// smtp: greeting and EHLO (HELO when helo_fallback), implicit TLS (use_tls) or STARTTLS (starttls),
/// AUTH when a username is given, and a real message when from_address and to_address are given.
/// </summary>
public sealed class SmtpCheck : HostPortCheck<SmtpOptions>
{
    protected override int DefaultPort => 25;

    public override string Name => "smtp";

    // The original conn-check's default: implicit TLS (normally port 465).
    private static bool ImplicitTls(SmtpOptions options) => options.UseTls ?? true;

    private static bool StartTls(SmtpOptions options) => options.Starttls == true;

    public override bool UsesTls(SmtpOptions options) => ImplicitTls(options) || StartTls(options);

    public override FieldError? Validate(CheckFields fields)
    {
        if (fields.Bool("use_tls", false) && fields.Bool("starttls", false))
        {
            return new FieldError("starttls", "smtp 'starttls: true' needs 'use_tls: false' (use_tls is TLS from the first byte)");
        }

        if (fields.OptionalString("from_address") is { } from && !MailboxAddress.TryParse(from, out _))
        {
            return new FieldError("from_address", $"'from_address' is not an email address: '{from}'");
        }

        if (fields.OptionalString("to_address") is { } to && !InternetAddressList.TryParse(to, out _))
        {
            return new FieldError("to_address", $"'to_address' is not an email address: '{to}'");
        }

        return fields.Has("password") && !fields.Has("username") ? new FieldError("password", "smtp 'password' needs a 'username'") : null;
    }

    public override IReadOnlyList<string> OriginalStepNames(SmtpOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        string[] steps = ImplicitTls(options) ? [$"tcp:{host}:{port}", $"tls:{host}:{port}"] : [$"tcp:{host}:{port}"];
        return OriginalNames.Prefixed($"smtp:{host}:{port}", [.. steps, options.Username is not null ? "connect with auth" : "connect"]);
    }

    public override Task<CheckOutcome> RunAsync(SmtpOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var verify = options.DisableTlsVerification != true;
        var reached = new Reached();
        var main = new CheckStep(options.Username is not null ? "connect with auth" : "connect", ct => SessionAsync(options, host, reached, port, verify, context, ct), IsMain: true);
        // With implicit TLS the certificate gets its own tls:host:port step; STARTTLS reports it from the session.
        return ImplicitTls(options) && !StartTls(options)
            ? Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached), main)
            : Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), main);
    }

    private static async Task<StepResult> SessionAsync(SmtpOptions options, string host, Reached reached, int port, bool verify, CheckContext context, CancellationToken cancellationToken)
    {
        var policy = new TlsValidator(host, context.Tls, verify);
        var helo = new HeloDetector();
        using var client = new SmtpClient(helo)
        {
            Timeout = (int)Math.Min(int.MaxValue, context.Timeout.TotalMilliseconds),
            ServerCertificateValidationCallback = policy.Validate,
            CheckCertificateRevocation = false,
        };
        var security = StartTls(options) ? SecureSocketOptions.StartTls : ImplicitTls(options) ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.None;
        var username = options.Username;
        var stage = "connect";
        try
        {
            // The address the tcp sub-check reached; the name stays the one TLS verifies.
            var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
            try
            {
                await client.ConnectAsync(socket, HostPort.Bare(host), port, security, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            if (helo.SentHelo && options.HeloFallback != true)
            {
                return StepResult.Fail("the server refused EHLO (set helo_fallback: true to accept a HELO-only server)");
            }

            if (username is not null)
            {
                stage = "auth";
                await client.AuthenticateAsync(username, options.Password ?? "", cancellationToken).ConfigureAwait(false);
            }

            var sent = "";
            if (options.FromAddress is { } from && options.ToAddress is { } to)
            {
                stage = "send";
                using var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse(from));
                message.To.AddRange(InternetAddressList.Parse(to));
                message.Subject = options.Subject ?? "";
                message.Body = new TextPart("plain") { Text = options.Message ?? "" };
                await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
                sent = $", message sent to {to}";
            }

            var secure = client.IsSecure;
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return new StepResult(true, $"{(secure ? "TLS" : "plain")}{(username is null ? "" : $", user {username}")}{sent}", policy.NotAfter);
        }
        catch (MailKit.Security.AuthenticationException ex)
        {
            return StepResult.Fail($"authentication failed for user \"{username}\": {Failures.OneLine(ex.Message)}");
        }
        catch (SmtpCommandException ex)
        {
            return StepResult.Fail($"{stage}: server replied {(int)ex.StatusCode} {Failures.OneLine(ex.Message)}");
        }
        catch (NotSupportedException ex)
        {
            // MailKit: no STARTTLS, or no AUTH (servers often offer AUTH only after STARTTLS).
            var hint = stage == "auth" && !client.IsSecure ? " (it may offer AUTH only over TLS: try starttls: true)" : "";
            return StepResult.Fail($"{stage}: {Failures.OneLine(ex.Message)}{hint}");
        }
        catch (SslHandshakeException)
        {
            return StepResult.Fail(policy.Failure ?? "TLS handshake failed");
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("an SMTP server", context));
        }
        catch (SmtpProtocolException ex)
        {
            return StepResult.Fail(stage == "connect" ? $"not an SMTP server: {Failures.OneLine(ex.Message)}" : $"{stage}: {Failures.OneLine(ex.Message)}");
        }
    }

    /// <summary>Notes whether MailKit fell back from EHLO to HELO; keeps nothing else (AUTH lines carry secrets).</summary>
    private sealed class HeloDetector : IProtocolLogger
    {
        public bool SentHelo { get; private set; }

        public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

        public void LogConnect(Uri uri)
        {
        }

        public void LogClient(byte[] buffer, int offset, int count)
        {
            if (buffer.AsSpan(offset, count).StartsWith("HELO "u8))
            {
                SentHelo = true;
            }
        }

        public void LogServer(byte[] buffer, int offset, int count)
        {
        }

        public void Dispose()
        {
        }
    }
}
