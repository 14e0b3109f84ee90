using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ConnCheck.Tests.Support;

/// <summary>What the server saw of one request.</summary>
public sealed record SeenRequest(string Method, string PathAndQuery, string? Authorization, string? Host);

/// <summary>
/// A real Kestrel server on 127.0.0.1 (one plain HTTP and one HTTPS port) with the endpoints the http
/// check tests need. Basic and digest auth accept <see cref="User"/> / <see cref="Password"/>.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    public const string User = "checker";
    public const string Password = "s3cret-Pa55word";
    public const string DigestRealm = "conn-check-tests";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<SeenRequest> seen = new();
    private readonly ConcurrentDictionary<string, bool> nonces = new();

    private HttpTestServer(WebApplication app) => this.app = app;

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    public string Http => $"http://127.0.0.1:{HttpPort}";

    public string Https => $"https://127.0.0.1:{HttpsPort}";

    public IReadOnlyCollection<SeenRequest> Seen => seen;

    public static async Task<HttpTestServer> StartAsync(X509Certificate2 httpsCertificate)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(httpsCertificate));
            kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        });
        var app = builder.Build();
        var server = new HttpTestServer(app);
        server.Map(app);
        await app.StartAsync();

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.HttpPort = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal))).Port;
        server.HttpsPort = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal))).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private void Map(WebApplication web)
    {
        web.Use(async (context, next) =>
        {
            var request = context.Request;
            seen.Enqueue(new SeenRequest(request.Method, request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault(), request.Headers.Host.FirstOrDefault()));
            await next(context);
        });

        web.MapMethods("/ok", ["GET", "HEAD"], () => Results.Text("ok"));
        web.Map("/status/{code:int}", (int code) => Results.StatusCode(code));
        web.MapMethods("/redirect", ["GET", "HEAD"], () => Results.Redirect("/ok"));
        web.MapGet("/loop/a", () => Results.Redirect("/loop/b"));
        web.MapGet("/loop/b", () => Results.Redirect("/loop/a"));
        web.MapGet("/chain/{n:int}", (int n) => Results.Redirect($"/chain/{n + 1}"));
        web.MapGet("/basic", (HttpContext context) => BasicAuth(context));
        web.MapGet("/digest", (HttpContext context) => DigestAuth(context));
        web.MapGet("/headers", (HttpContext context) =>
            context.Request.Headers["X-Conn-Check"] == "yes" ? Results.Text("ok") : Results.StatusCode(412));
        web.MapGet("/cookies", (HttpContext context) =>
            context.Request.Cookies["flavour"] == "oatmeal" && context.Request.Cookies["session"] == "abc" ? Results.Text("ok") : Results.StatusCode(412));
        web.MapGet("/params", (HttpContext context) =>
            context.Request.Query["q"] == "conn check" && context.Request.Query["n"] == "1" && context.Request.Query["keep"] == "yes" ? Results.Text("ok") : Results.StatusCode(412));
        web.MapPost("/body", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return body == "ping" && context.Request.ContentType == "text/plain" ? Results.Text("pong") : Results.StatusCode(412);
        });
        // What the original's HTTP library (python requests) sent: form encoding with '+' for a space,
        // a dict body form-encoded, and its own User-Agent (here conn-check's, unless headers set one).
        web.MapGet("/raw-query", (HttpContext context) =>
            context.Request.QueryString.Value == "?q=conn+check&n=1&n=2" ? Results.Text("ok") : Results.StatusCode(412));
        web.MapGet("/plus", (HttpContext context) =>
            context.Request.QueryString.Value == "?q=conn+check" ? Results.Text("ok") : Results.StatusCode(412));
        web.MapPost("/form", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            return body == "name=conn+check&probe=1" && context.Request.ContentType == "application/x-www-form-urlencoded" ? Results.Text("ok") : Results.StatusCode(412);
        });
        web.MapGet("/user-agent/{expected}", (HttpContext context, string expected) =>
            context.Request.Headers.UserAgent.ToString().StartsWith(expected, StringComparison.Ordinal) && context.Request.Headers.UserAgent.Count == 1 ? Results.Text("ok") : Results.StatusCode(412));
        web.MapGet("/endless", async (HttpContext context) =>
        {
            // 1 GiB at most: a client that buffered it all would take far longer than the test allows.
            var chunk = new byte[64 * 1024];
            context.Response.ContentType = "application/octet-stream";
            for (var i = 0; i < 16 * 1024 && !context.RequestAborted.IsCancellationRequested; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        });
        web.MapGet("/slow", async (HttpContext context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            return Results.Text("late");
        });
    }

    private static IResult BasicAuth(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));
        if (context.Request.Headers.Authorization == expected)
        {
            return Results.Text("welcome");
        }

        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{DigestRealm}\"";
        return Results.StatusCode(401);
    }

    /// <summary>RFC 7616 digest with MD5 and qop=auth, verified the way a real server does.</summary>
    private IResult DigestAuth(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Digest ", StringComparison.Ordinal))
        {
            var p = ParseDigest(header["Digest ".Length..]);
            if (p.GetValueOrDefault("username") == User && p.TryGetValue("nonce", out var nonce) && nonces.ContainsKey(nonce)
                && p.GetValueOrDefault("realm") == DigestRealm && p.TryGetValue("uri", out var uri) && p.TryGetValue("response", out var response))
            {
                var ha1 = Md5($"{User}:{DigestRealm}:{Password}");
                var ha2 = Md5($"{context.Request.Method}:{uri}");
                var valid = p.GetValueOrDefault("qop") == "auth"
                    ? Md5($"{ha1}:{nonce}:{p.GetValueOrDefault("nc")}:{p.GetValueOrDefault("cnonce")}:auth:{ha2}")
                    : Md5($"{ha1}:{nonce}:{ha2}");
                if (string.Equals(valid, response, StringComparison.OrdinalIgnoreCase))
                {
                    return Results.Text("welcome");
                }
            }
        }

        var fresh = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        nonces[fresh] = true;
        context.Response.Headers.WWWAuthenticate = $"Digest realm=\"{DigestRealm}\", qop=\"auth\", algorithm=MD5, nonce=\"{fresh}\", opaque=\"0123abcd\"";
        return Results.StatusCode(401);
    }

    private static Dictionary<string, string> ParseDigest(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is ' ' or ',')
            {
                i++;
            }

            var eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = text[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                value = text[(i + 1)..end];
                i = end + 1;
            }
            else
            {
                var end = text.IndexOf(',', i);
                end = end < 0 ? text.Length : end;
                value = text[i..end].Trim();
                i = end;
            }

            values[key] = value;
        }

        return values;
    }

    private static string Md5(string text) =>
#pragma warning disable CA5351 // HTTP digest auth is defined over MD5; this is the test server's side of it.
        Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
#pragma warning restore CA5351
}
