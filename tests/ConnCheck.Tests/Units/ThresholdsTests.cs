using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Tests.Units;

/// <summary>warn_ms/crit_ms and cert_warn_days/cert_crit_days, at and around their bounds, in process.</summary>
public sealed class ThresholdsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static CheckSpec Spec(double? warnMs = null, double? critMs = null, double? certWarnDays = null, double? certCritDays = null) => new()
    {
        Id = 1,
        Type = "tcp",
        Name = "tcp:127.0.0.1:80",
        Destination = new Destination("127.0.0.1", 80),
        WarnMs = warnMs,
        CritMs = critMs,
        CertWarnDays = certWarnDays,
        CertCritDays = certCritDays,
    };

    private static CheckResult Result(CheckStatus status = CheckStatus.Ok, double? ms = null, double? expiresInDays = null) => new()
    {
        CheckId = 1,
        Name = "tcp:127.0.0.1:80",
        Type = "tcp",
        Destination = "127.0.0.1:80",
        Status = status,
        Reason = status == CheckStatus.Ok ? null : "connection refused",
        MainStepMs = ms,
        CertificateNotAfter = expiresInDays is { } d ? Now.AddDays(d) : null,
    };

    [Theory]
    [InlineData(150.0, "FAILED latency 150 ms above crit_ms 100")]
    [InlineData(100.5, "FAILED latency 100.5 ms above crit_ms 100")]
    [InlineData(100.0, "WARNING latency 100 ms above warn_ms 50")]
    [InlineData(50.5, "WARNING latency 50.5 ms above warn_ms 50")]
    [InlineData(50.0, "OK ")]
    [InlineData(0.25, "OK ")]
    public void Latency_above_a_bound_is_warning_or_failed_and_at_the_bound_is_not(double ms, string expected)
    {
        var result = Thresholds.Apply(Spec(warnMs: 50, critMs: 100), Result(ms: ms), Now);

        Assert.Equal(expected, $"{Word(result.Status)} {result.Reason}");
    }

    [Theory]
    [InlineData(0.1234, 0.1, "latency 0.123 ms above crit_ms 0.1")]
    [InlineData(150.26, 100.04, "latency 150.3 ms above crit_ms 100")]
    public void Latency_keeps_three_decimals_below_one_millisecond_and_one_above(double ms, double crit, string expected)
    {
        var result = Thresholds.Apply(Spec(critMs: crit), Result(ms: ms), Now);

        Assert.Equal(expected, result.Reason);
    }

    [Theory]
    [InlineData(2.0, "FAILED certificate expires in 2 days (cert_crit_days 7)")]
    [InlineData(6.5, "FAILED certificate expires in 6.5 days (cert_crit_days 7)")]
    [InlineData(7.0, "WARNING certificate expires in 7 days (cert_warn_days 30)")]
    [InlineData(29.5, "WARNING certificate expires in 29.5 days (cert_warn_days 30)")]
    [InlineData(30.0, "OK ")]
    [InlineData(-1.0, "FAILED certificate expires in -1 days (cert_crit_days 7)")]
    public void Certificate_expiry_below_a_bound_is_warning_or_failed_and_at_the_bound_is_not(double days, string expected)
    {
        var result = Thresholds.Apply(Spec(certWarnDays: 30, certCritDays: 7), Result(ms: 1, expiresInDays: days), Now);

        Assert.Equal(expected, $"{Word(result.Status)} {result.Reason}");
    }

    [Fact]
    public void A_failing_certificate_outranks_a_latency_warning()
    {
        var result = Thresholds.Apply(Spec(warnMs: 10, certCritDays: 7), Result(ms: 20, expiresInDays: 3), Now);

        Assert.Equal("FAILED certificate expires in 3 days (cert_crit_days 7)", $"{Word(result.Status)} {result.Reason}");
    }

    [Fact]
    public void A_latency_warning_stays_when_the_certificate_is_fine()
    {
        var result = Thresholds.Apply(Spec(warnMs: 10, certWarnDays: 7), Result(ms: 20, expiresInDays: 300), Now);

        Assert.Equal("WARNING latency 20 ms above warn_ms 10", $"{Word(result.Status)} {result.Reason}");
    }

    [Fact]
    public void A_failed_latency_is_not_turned_into_a_certificate_warning()
    {
        var result = Thresholds.Apply(Spec(critMs: 10, certWarnDays: 30), Result(ms: 20, expiresInDays: 3), Now);

        Assert.Equal("FAILED latency 20 ms above crit_ms 10", $"{Word(result.Status)} {result.Reason}");
    }

    [Theory]
    [InlineData(CheckStatus.Failed)]
    [InlineData(CheckStatus.Warning)]
    [InlineData(CheckStatus.Unknown)]
    [InlineData(CheckStatus.Skipped)]
    public void A_result_that_is_not_ok_is_left_as_it_is(CheckStatus status)
    {
        var result = Result(status, ms: 500, expiresInDays: 1);

        Assert.Same(result, Thresholds.Apply(Spec(warnMs: 1, critMs: 2, certWarnDays: 30, certCritDays: 7), result, Now));
    }

    [Fact]
    public void Without_thresholds_or_measurements_the_result_is_unchanged()
    {
        var measured = Result(ms: 5000, expiresInDays: -10);
        var unmeasured = Result();

        Assert.Same(measured, Thresholds.Apply(Spec(), measured, Now));
        Assert.Same(unmeasured, Thresholds.Apply(Spec(warnMs: 1, critMs: 1, certWarnDays: 1, certCritDays: 1), unmeasured, Now));
    }

    private static string Word(CheckStatus status) => status.ToString().ToUpperInvariant();
}
