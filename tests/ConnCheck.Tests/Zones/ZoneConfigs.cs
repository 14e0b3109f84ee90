namespace ConnCheck.Tests.Zones;

/// <summary>The zones tests' configs: checks from each zone toward the services namespace.</summary>
public static class ZoneConfigs
{
    /// <summary>
    /// Paths the router allows (web → everything but 7003; batch → 7001), DROPs (batch → 5432, 7002)
    /// and REJECTs (7003 from both with tcp-reset, batch → redis with tcp-reset, batch → udp 7004 with
    /// icmp-port-unreachable); reachable: false on denied paths and on one allowed path.
    /// </summary>
    public static string Zoned(ZoneNetwork net) => $"""
        zones:
          web: {"{ min_agents: 2 }"}
          batch: {"{}"}
        defaults:
          timeout: 3
        checks:
          - type: postgres
            from: [web, batch]
            host: {net.Services}
            port: 5432
            username: app
            password: {net.PgPassword}
            database: app
          - type: redis
            from: [web, batch]
            host: {net.Services}
            port: 6379
            password: {net.RedisPassword}
          - type: tcp
            from: [web, batch]
            host: {net.Services}
            port: 7001
          - type: udp
            from: [web, batch]
            host: {net.Services}
            port: 7004
            send: ping
            expect: "echo:ping"
          - type: tcp
            name: batch must not reach 7002
            from: batch
            host: {net.Services}
            port: 7002
            reachable: false
          - type: tcp
            name: nobody reaches 7003
            from: [web, batch]
            host: {net.Services}
            port: 7003
            reachable: false
          - type: tcp
            name: web must not reach 7002
            from: web
            host: {net.Services}
            port: 7002
            reachable: false
          - type: tcp
            host: {net.Services}
            port: 7001
        """;
}
