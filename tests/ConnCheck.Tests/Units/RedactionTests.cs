using System.Text;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;

namespace ConnCheck.Tests.Units;

/// <summary>Which values of a check are secrets, and where a secret is masked, in process.</summary>
public sealed class RedactionTests
{
    private static CheckFields Fields(object values) =>
        new(JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));

    [Fact]
    public void Http_secrets_are_the_credentials_secret_headers_cookies_and_url_passwords_longest_first()
    {
        var fields = Fields(new Dictionary<string, object>
        {
            ["url"] = "http://u:p%40ss@h.example/",
            ["auth"] = new[] { "user", "pw-123456" },
            ["headers"] = new Dictionary<string, string> { ["Authorization"] = "Bearer tok-abcdef", ["Accept"] = "text/plain" },
            ["cookies"] = new Dictionary<string, string> { ["session"] = "cookie-val" },
            ["params"] = new Dictionary<string, string> { ["q"] = "public-query" },
        });

        var secrets = Redaction.SecretsOf(CheckTypes.Default.Get("http"), fields);

        Assert.Equal(
            [Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pw-123456")), "Bearer tok-abcdef", "tok-abcdef", "cookie-val", "pw-123456", "p%40ss", "p@ss"],
            secrets);
    }

    [Fact]
    public void Digest_credentials_and_header_lists_in_the_original_form_are_secrets_too()
    {
        var fields = Fields(new Dictionary<string, object>
        {
            ["url"] = "http://h.example/",
            ["digest_auth"] = new[] { "user", "digest-pw" },
            ["headers"] = new[] { new[] { "X-Api-Key", "key-1234" }, new[] { "X-Api-Key", "key-5678" }, new[] { "User-Agent", "probe" } },
        });

        var secrets = Redaction.SecretsOf(CheckTypes.Default.Get("http"), fields);

        Assert.Equal([Convert.ToBase64String(Encoding.UTF8.GetBytes("user:digest-pw")), "digest-pw", "key-1234", "key-5678"], secrets);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("mysql")]
    [InlineData("amqp")]
    [InlineData("redis")]
    [InlineData("smtp")]
    public void A_password_field_is_a_secret_and_an_empty_one_is_not(string type)
    {
        var withPassword = Redaction.SecretsOf(CheckTypes.Default.Get(type), Fields(new Dictionary<string, object> { ["host"] = "h", ["password"] = "db-pass" }));
        var empty = Redaction.SecretsOf(CheckTypes.Default.Get(type), Fields(new Dictionary<string, object> { ["host"] = "h", ["password"] = "" }));

        Assert.Contains("db-pass", withPassword);
        Assert.DoesNotContain("h", withPassword);
        Assert.Empty(empty);
    }

    [Fact]
    public void A_url_without_a_password_gives_no_secret()
    {
        var secrets = Redaction.SecretsOf(CheckTypes.Default.Get("http"), Fields(new Dictionary<string, object> { ["url"] = "http://only-user@h.example/" }));

        Assert.Empty(secrets);
    }

    [Fact]
    public void Nothing_to_mask_in_no_text()
    {
        Assert.Null(Redaction.Apply(null, ["s3cr3t"]));
    }

    [Fact]
    public void A_secret_inside_the_checks_own_public_name_or_url_is_left_there_and_masked_elsewhere()
    {
        var masked = Redaction.Apply("http://h/?s3cr3t: server echoed s3cr3t", ["s3cr3t"], ["http://h/?s3cr3t"]);

        Assert.Equal("http://h/?s3cr3t: server echoed ***", masked);
    }

    [Fact]
    public void A_public_text_that_starts_with_the_secret_shields_it_too()
    {
        Assert.Equal("s3cr3t/path failed", Redaction.Apply("s3cr3t/path failed", ["s3cr3t"], ["s3cr3t/path"]));
    }

    [Fact]
    public void A_secret_that_is_one_of_conn_checks_own_words_is_masked_as_a_value_but_not_in_prose()
    {
        var masked = Redaction.Apply("server said 'wrong' (wrong password, wrong.)", ["wrong"]);

        Assert.Equal("server said '***' (*** password, wrong.)", masked);
    }

    [Fact]
    public void Several_secrets_are_masked_longest_first_so_a_secret_inside_another_is_masked_whole()
    {
        var masked = Redaction.Apply("echo: abcd-1234-wxyz and abcd-1234", ["abcd-1234-wxyz", "abcd-1234"]);

        Assert.Equal("echo: *** and ***", masked);
    }

    [Theory]
    // conn-check's own words stay, even when the password is one of them.
    [InlineData("wrong", "wrong password (WRONGPASS invalid username-password pair)", "wrong password (WRONGPASS invalid username-password pair)")]
    [InlineData("failed", "password authentication failed for user \"app\"", "password authentication failed for user \"app\"")]
    // The same word standing as a value is masked.
    [InlineData("wrong", "the server said: password='wrong'", "the server said: password='***'")]
    [InlineData("wrong", "AUTH wrong:wrong@host", "AUTH ***:***@host")]
    [InlineData("wrong", "login \"wrong\" refused", "login \"***\" refused")]
    // A password that is not one of conn-check's words is masked everywhere, in prose too.
    [InlineData("hunter2x", "invalid password hunter2x for app", "invalid password *** for app")]
    [InlineData("hunter2x", "a hunter2xhunter2x b", "a ****** b")]
    // Short secrets (1 to 3 characters) only where they stand alone; long ones also cut short or escaped.
    [InlineData("e", "expecting e but got E", "expecting *** but got E")]
    [InlineData("ab", "abort: password ab rejected (ab)", "abort: password *** rejected (***)")]
    [InlineData("x1", "x1x1 x1", "x1x1 ***")]
    [InlineData("long-secret", "a long-secretlong-secret b", "a ****** b")]
    [InlineData("Bearer-T0ken-1a2b3c", "the server sent \"Authorization: Bearer Bearer-T0k\"", "the server sent \"Authorization: Bearer ***\"")]
    [InlineData("Bearer-T0ken-1a2b3c", "cut at Bearer-T0ken-1a...", "cut at ***...")]
    [InlineData("Bearer-T0ken-1a2b3c", "ends with Bearer-T", "ends with ***")]
    [InlineData("pa|ss word\"x", "server said pa\\x7css word\\x22x", "server said ***")]
    [InlineData("pa|ss", "server said pa/ss", "server said ***")]
    [InlineData("abc", "abcdef abc", "abcdef ***")]
    [InlineData("Bearer-T0ken-1a2b3c", "ends with Bear", "ends with ***")]
    [InlineData("Bearer-T0ken-1a2b3c", "ends with Bea", "ends with Bea")]
    [InlineData("s3cr3t-value", "server said 's3cr3t-value' twice: s3cr3t-value", "server said '***' twice: ***")]
    [InlineData("s3cr3t-value", "s3cr3t-values", "***s")]
    [InlineData("s3cr3t-value", "no secret here", "no secret here")]
    public void Secrets_are_masked_where_they_stand_as_values_not_wherever_their_letters_occur(string secret, string message, string expected)
    {
        Assert.Equal(expected, Redaction.Apply(message, [secret]));
    }

    [Fact]
    public void The_checks_own_url_is_left_alone_but_the_secret_elsewhere_is_masked()
    {
        const string url = "http:http://127.0.0.1:8080/digest?wrong";

        var text = Redaction.Apply($"{url}: unexpected status 401, server said 'wrong'", ["wrong"], [url]);

        Assert.Equal($"{url}: unexpected status 401, server said '***'", text);
    }

    [Fact]
    public void A_name_that_is_the_secret_does_not_shield_it()
    {
        Assert.Equal("refused ***", Redaction.Apply("refused Pg-Wr0ng-9f3k", ["Pg-Wr0ng-9f3k"], ["Pg-Wr0ng-9f3k"]));
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("X-Auth-Token", true)]
    [InlineData("X-Client-Secret", true)]
    [InlineData("Accept", false)]
    [InlineData("User-Agent", false)]
    [InlineData("X-Request-Id", false)]
    public void Headers_that_carry_credentials_are_secret(string header, bool secret)
    {
        Assert.Equal(secret, Redaction.IsSecretHeader(header));
    }
}
