using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;

namespace ConnCheck.Tests.Units;

/// <summary>Name patterns (only * is a wildcard) and tag filters, as the original selected checks.</summary>
public sealed class CheckSelectionTests
{
    private static CheckSpec Check(string name, string[]? patternNames = null, string[]? tags = null) => new()
    {
        Id = 1,
        Type = "tcp",
        Name = name,
        Destination = new Destination("127.0.0.1", 80),
        PatternNames = patternNames ?? [],
        Tags = tags ?? [],
    };

    private static CheckSelection Patterns(params string[] patterns) => new(patterns, [], []);

    [Theory]
    [InlineData("tcp*", "tcp:127.0.0.1:80", true)]
    [InlineData("*", "anything at all", true)]
    [InlineData("*:80", "tcp:127.0.0.1:80", true)]
    [InlineData("tcp:127.0.0.1:80", "tcp:127.0.0.1:80", true)]
    [InlineData("tcp", "tcp:127.0.0.1:80", false)]
    [InlineData("127.0.0.1*", "tcp:127.0.0.1:80", false)]
    [InlineData("tcp:127?0.0.1:80", "tcp:127.0.0.1:80", false)]
    [InlineData("tcp:127.0.0.1:8.", "tcp:127.0.0.1:80", false)]
    [InlineData("tcp:127.0.0.1:80[0]", "tcp:127.0.0.1:800", false)]
    [InlineData("web\ndb", "web\ndb", true)]
    [InlineData("web*", "web\ndb", true)]
    public void A_pattern_is_a_whole_name_glob_where_only_star_is_a_wildcard(string pattern, string name, bool included)
    {
        Assert.Equal(included, Patterns(pattern).Includes(Check(name)));
    }

    [Fact]
    public void Any_of_several_patterns_selects_a_check()
    {
        var selection = Patterns("redis*", "tcp*");

        Assert.True(selection.Includes(Check("tcp:127.0.0.1:80")));
        Assert.True(selection.Includes(Check("redis:127.0.0.1:6379")));
        Assert.False(selection.Includes(Check("udp:127.0.0.1:53")));
    }

    [Fact]
    public void Patterns_match_the_names_of_a_checks_steps_instead_of_its_name_when_it_has_them()
    {
        var check = Check("my-db", patternNames: ["my-db", "postgres:127.0.0.1:5432", "auth:postgres:127.0.0.1:5432"]);

        Assert.True(Patterns("auth:*").Includes(check));
        Assert.True(Patterns("my-db").Includes(check));
        Assert.False(Patterns("redis*").Includes(check));
        Assert.False(Patterns("other").Includes(Check("my-db", patternNames: ["postgres:x"])));
    }

    [Fact]
    public void Include_tags_keep_only_checks_with_one_of_them()
    {
        var selection = new CheckSelection([], ["db", "cache"], []);

        Assert.True(selection.Includes(Check("a", tags: ["db"])));
        Assert.True(selection.Includes(Check("b", tags: ["web", "cache"])));
        Assert.False(selection.Includes(Check("c", tags: ["web"])));
        Assert.False(selection.Includes(Check("d")));
    }

    [Fact]
    public void Exclude_tags_drop_checks_with_any_of_them_and_win_over_include_tags()
    {
        var selection = new CheckSelection([], ["db"], ["slow"]);

        Assert.True(selection.Includes(Check("a", tags: ["db"])));
        Assert.False(selection.Includes(Check("b", tags: ["db", "slow"])));
        Assert.False(new CheckSelection([], [], ["slow"]).Includes(Check("c", tags: ["slow"])));
        Assert.True(new CheckSelection([], [], ["slow"]).Includes(Check("d")));
    }

    [Fact]
    public void Patterns_and_tags_must_both_match()
    {
        var selection = new CheckSelection(["tcp*"], ["db"], []);

        Assert.True(selection.Includes(Check("tcp:a", tags: ["db"])));
        Assert.False(selection.Includes(Check("tcp:a", tags: ["web"])));
        Assert.False(selection.Includes(Check("udp:a", tags: ["db"])));
    }

    [Fact]
    public void Everything_is_selected_without_patterns_or_tags_and_that_is_not_a_restriction()
    {
        Assert.True(CheckSelection.All.Includes(Check("x", tags: ["slow"])));
        Assert.False(CheckSelection.All.IsRestricted);
        Assert.True(Patterns("x").IsRestricted);
        Assert.True(new CheckSelection([], ["db"], []).IsRestricted);
        Assert.True(new CheckSelection([], [], ["db"]).IsRestricted);
    }

    [Fact]
    public void Selecting_nothing_says_what_was_asked_for()
    {
        Assert.Equal("no check matched 'tcp*' 'x y'", Patterns("tcp*", "x y").NothingSelected());
        Assert.Equal("no check matched 'tcp*' --include-tags db,web --exclude-tags slow", new CheckSelection(["tcp*"], ["db", "web"], ["slow"]).NothingSelected());
        Assert.Equal("no check matched --exclude-tags slow,flaky", new CheckSelection([], [], ["slow", "flaky"]).NothingSelected());
    }
}
