namespace ConnCheck.Tests.Generate;

/// <summary>
/// conn-check config django on settings dumps in the shapes of real applications (Corpus/generate/django-*):
/// a network source-of-truth app (django-rq queues sharing one Redis, a cache password in OPTIONS, a mail
/// user without password) and a project-management app (Celery on the cache's Redis, a replica alias equal to
/// the default, channels, an events broker and a thumbnail cache as service URLs).
/// </summary>
public sealed class DjangoRealShapesTests
{
    private static readonly string[] NetboxSecrets = ["C4che-redis-pw", "N3tbox-db-pw", "T4sks-redis-pw", "n3tbox-secret-key"];

    private static readonly string[] TrackerSecrets = ["Pm-r3dis", "Ch4nnels-pw", "Pm-db-s3cret", "Pm-m4il", "Ev3nts-pw", "Rq-pw", "django-insecure-pm"];

    [Fact]
    public async Task Rq_queues_on_one_redis_are_one_check_and_a_mail_user_without_password_does_not_log_in()
    {
        var generated = await Generated.RunAsync(null, "django", Generated.Fixture("django-settings-netbox-like.json"));

        generated.AssertNoSecrets(NetboxSecrets);
        Assert.Equal(
            [
                "postgres db.netbox.internal: user=netbox password=${DB_DEFAULT_PASSWORD}",
                "redis redis-cache.netbox.internal:6379 user= password=${CACHE_DEFAULT_PASSWORD}",
                "smtp smtp.netbox.internal:25 user= password=",
                "redis redis-tasks.netbox.internal:6379 user= password=${RQ_HIGH_PASSWORD}",
            ],
            generated.Checks.Select(Summary));
        Assert.Equal(["CACHE_DEFAULT_PASSWORD", "DB_DEFAULT_PASSWORD", "RQ_HIGH_PASSWORD"], generated.Variables);
        Assert.Contains("EMAIL_HOST: EMAIL_HOST_USER without EMAIL_HOST_PASSWORD: Django does not log in; checked without authentication", generated.Notes);
        Assert.Contains("RQ_QUEUES['default']: same redis server and credentials as RQ_QUEUES['high']; checked once, there", generated.Notes);
        Assert.Contains("RQ_QUEUES['low']: same redis server and credentials as RQ_QUEUES['high']; checked once, there", generated.Notes);

        // https:// (Sentry, CSRF origins) is not a service conn-check config django generates checks for.
        Assert.DoesNotContain(generated.Notes, n => n.Contains("SENTRY", StringComparison.Ordinal) || n.Contains("CSRF", StringComparison.Ordinal));
        await generated.AssertRunnableAsync(4, " from zones local");
    }

    [Fact]
    public async Task Service_urls_in_any_setting_are_checked_and_same_server_ones_fold_into_one_check_with_a_note()
    {
        var generated = await Generated.RunAsync(null, "django", Generated.Fixture("django-settings-tracker.json"));

        generated.AssertNoSecrets(TrackerSecrets);
        Assert.Equal(
            [
                "postgres pm-db.internal:5432 user=tracker password=${DB_DEFAULT_PASSWORD}",
                "redis pm-redis.internal:6379 user= password=${CACHE_DEFAULT_PASSWORD}",
                "smtp smtp.pm.internal:465 user=pm-mailer password=${EMAIL_HOST_PASSWORD}",
                "redis pm-rq.internal:6379 user= password=${RQ_DEFAULT_PASSWORD}",
                "redis pm-channels.internal:6380 user= password=${CHANNEL_LAYERS_DEFAULT_CONFIG_HOSTS_0_PASSWORD}",
                "amqp pm-rabbit.internal:5672 user=pm-events password=${EVENTS_PUSH_BACKEND_PASSWORD}",
                "memcache pm-mc.internal:11211 user= password=",
            ],
            generated.Checks.Select(Summary));
        Assert.Equal("events", generated.Checks[5]["vhost"]);
        Assert.Equal(
            [
                "DATABASES['replica']: same postgres server and credentials as DATABASES['default']; checked once, there",
                "CELERY_BROKER_URL: same redis server and credentials as CACHES['default']; checked once, there",
                "RQ_QUEUES['exports']: uses CACHES['default']; checked there",
                "RQ_QUEUES['ha']: Redis Sentinel is not checked (the redis check speaks to one server); skipped",
                "CELERY_RESULT_BACKEND: same redis server and credentials as CACHES['default']; checked once, there",
                "CHANNEL_LAYERS['default']['CONFIG']['hosts'][0]: redis:// URL; checked",
                "EVENTS_PUSH_BACKEND_URL: amqp:// URL; checked",
                "THUMBNAIL_CACHE_URL: memcache:// URL; checked",
            ],
            generated.Notes);

        // Neither merged alias leaves a variable behind that the config does not use.
        Assert.DoesNotContain("DB_REPLICA_PASSWORD", generated.Variables);
        Assert.DoesNotContain("BROKER_PASSWORD", generated.Variables);
        await generated.AssertRunnableAsync(7, " from zones local");
    }

    [Fact]
    public async Task A_replica_with_another_password_is_its_own_check()
    {
        using var settings = new Support.TempConfig("""
            {"DATABASES": {
              "default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "USER": "app", "PASSWORD": "First-pw-1", "HOST": "db.internal", "PORT": 5432},
              "replica": {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "USER": "app", "PASSWORD": "Second-pw-2", "HOST": "db.internal", "PORT": 5432}},
             "EMAIL_HOST": "smtp.internal", "EMAIL_HOST_PASSWORD": "Mail-pw-3"}
            """, "settings.json");

        var generated = await Generated.RunAsync(null, "django", settings.Path);

        generated.AssertNoSecrets("First-pw-1", "Second-pw-2", "Mail-pw-3");
        Assert.Equal(["DB_DEFAULT_PASSWORD", "DB_REPLICA_PASSWORD"], generated.Variables);
        Assert.Equal(3, generated.Checks.Count);
        Assert.Contains("EMAIL_HOST: EMAIL_HOST_PASSWORD without EMAIL_HOST_USER: Django does not log in; checked without authentication", generated.Notes);
    }

    private static string Summary(IReadOnlyDictionary<string, string> c) =>
        $"{c["type"]} {c["host"]}:{c.GetValueOrDefault("port")} user={c.GetValueOrDefault("username")} password={c.GetValueOrDefault("password")}";
}
