using ConnCheck.Checks.Engine;

namespace ConnCheck.Tests.Compat;

/// <summary>Secrets are masked where they stand as values, not wherever their letters occur.</summary>
public sealed class RedactionOfOrdinaryWordsTests
{
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
    public void Ordinary_words_are_masked_only_as_values(string secret, string message, string expected)
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
}
