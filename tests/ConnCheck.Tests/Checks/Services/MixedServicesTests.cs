using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class MixedServicesTests
{
    [Fact]
    public async Task One_config_with_every_service_type_reports_every_check()
    {
        using var config = new TempConfig(EveryType(wrongPasswords: false));

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", TestServers.Get("TLS_CA_DIR"));

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("CONN-CHECK OK: 8 checks passed |", run.StatusLine);
        Assert.Equal(
            new[]
            {
                $"amqp:127.0.0.1:{TestServers.Port("AMQPS")} OK",
                $"memcache:127.0.0.1:{TestServers.Port("MEMCACHE")} OK",
                $"mongodb:127.0.0.1:{TestServers.Port("MONGODB")} OK",
                $"mysql:127.0.0.1:{TestServers.Port("MYSQL")} OK",
                $"postgres:127.0.0.1:{TestServers.Port("POSTGRES")} OK",
                $"postgres:{TestServers.Get("POSTGRES_SOCKET_DIR")}:{TestServers.Port("POSTGRES")} OK",
                $"redis:127.0.0.1:{TestServers.Port("REDIS")} OK",
                $"smtp:127.0.0.1:{TestServers.Port("SMTP_STARTTLS")} OK",
            }.Order(StringComparer.Ordinal),
            run.Lines.Skip(1).Order(StringComparer.Ordinal));
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public async Task No_password_appears_in_the_output_of_a_failing_run()
    {
        using var config = new TempConfig(EveryType(wrongPasswords: true));

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "-t", "-d", "--tls-certs-path", TestServers.Get("TLS_CA_DIR"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 7 of 8 checks failed |", run.StatusLine);
        var output = run.Stdout + run.Stderr;
        foreach (var name in new[] { "POSTGRES", "MYSQL", "MONGODB", "REDIS", "AMQP", "SMTP" })
        {
            Assert.DoesNotContain(TestServers.Get(name + "_PASSWORD"), output, StringComparison.Ordinal);
            Assert.DoesNotContain(Wrong(name), output, StringComparison.Ordinal);
        }
    }

    private static string Wrong(string name) => $"wrong-{name.ToLowerInvariant()}-secret-7f3a";

    private static string EveryType(bool wrongPasswords)
    {
        string Password(string name) => wrongPasswords ? Wrong(name) : TestServers.Get(name + "_PASSWORD");
        return $$"""
            - { type: postgres, host: 127.0.0.1, port: {{TestServers.Port("POSTGRES")}}, username: app, password: '{{Password("POSTGRES")}}', database: app }
            - { type: postgresql, host: '{{TestServers.Get("POSTGRES_SOCKET_DIR")}}', port: {{TestServers.Port("POSTGRES")}}, username: app, password: '{{Password("POSTGRES")}}', database: app }
            - { type: mysql, host: 127.0.0.1, port: {{TestServers.Port("MYSQL")}}, username: app, password: '{{Password("MYSQL")}}', database: app }
            - { type: mongodb, host: 127.0.0.1, port: {{TestServers.Port("MONGODB")}}, username: app, password: '{{Password("MONGODB")}}', database: app }
            - { type: redis, host: 127.0.0.1, port: {{TestServers.Port("REDIS")}}, password: '{{Password("REDIS")}}' }
            - { type: memcached, host: 127.0.0.1, port: {{TestServers.Port("MEMCACHE")}} }
            - { type: amqp, host: 127.0.0.1, port: {{TestServers.Port("AMQPS")}}, username: app, password: '{{Password("AMQP")}}', vhost: {{TestServers.Get("AMQP_VHOST")}} }
            - { type: smtp, host: 127.0.0.1, port: {{TestServers.Port("SMTP_STARTTLS")}}, use_tls: false, starttls: true, username: app, password: '{{Password("SMTP")}}' }
            """;
    }
}
