using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace ConnCheck.Checks.Types;

public sealed record MongoDbOptions([Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, string? Username, [Secret] string? Password, string? Database, string? AuthSource)
    : CheckOptions, IHostPortOptions;

/// <summary>
/// mongodb: handshake (hello), SCRAM authentication when credentials are given, and list the
/// collections of <c>database</c>. Credentials are checked against <c>database</c>, as the original
/// did, unless <c>auth_source</c> names another.
/// </summary>
public sealed class MongoDbCheck : HostPortCheck<MongoDbOptions>
{
    protected override int DefaultPort => 27017;
    private const string DefaultDatabase = "test";

    public override string Name => "mongodb";

    public override IReadOnlyList<string> Aliases => ["mongo"];

    // A username alone authenticates with an empty password, as the original did.
    public override FieldError? Validate(CheckFields fields) =>
        fields.Has("password") && !fields.Has("username") ? new FieldError("password", "mongodb 'password' needs a 'username'") : null;

    public override IReadOnlyList<string> OriginalStepNames(MongoDbOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        var connect = options.Username is not null || options.Password is not null ? "connect with auth" : "connect";
        return OriginalNames.Prefixed($"mongodb:{host}:{port}", $"tcp:{host}:{port}", connect);
    }

    public override Task<CheckOutcome> RunAsync(MongoDbOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var name = options.Username is not null ? "auth" : "connect";
        var reached = new Reached();
        return Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), new CheckStep(name, ct => ConnectAsync(options, reached.HostFor(host), port, context, ct), IsMain: true));
    }

    private static async Task<StepResult> ConnectAsync(MongoDbOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        var database = options.Database ?? DefaultDatabase;
        var username = options.Username;
        var authSource = options.AuthSource ?? database;

        // With one server and a direct connection, a failed heartbeat (hello) means the far end is
        // not a usable MongoDB: fail at once instead of waiting out server selection.
        var heartbeatFailure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new MongoClientSettings
        {
            Server = new MongoServerAddress(host, port),
            DirectConnection = true,
            ApplicationName = "conn-check",
            ConnectTimeout = context.Timeout,
            SocketTimeout = context.Timeout,
            ServerSelectionTimeout = context.Timeout,
            HeartbeatTimeout = context.Timeout,
            MaxConnectionPoolSize = 1,
            MinConnectionPoolSize = 0,
            RetryReads = false,
            RetryWrites = false,
            Credential = username is null ? null : MongoCredential.CreateCredential(authSource, username, options.Password ?? ""),
            ClusterConfigurator = cluster => cluster.Subscribe<ServerHeartbeatFailedEvent>(e => heartbeatFailure.TrySetResult(e.Exception)),
        };

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var client = new MongoClient(settings);
        var work = ListCollectionsAsync(client, database, stop.Token);
        try
        {
            var first = await Task.WhenAny(work, heartbeatFailure.Task).ConfigureAwait(false);
            if (first != work)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                return StepResult.Fail(HandshakeFailure(await heartbeatFailure.Task.ConfigureAwait(false), context));
            }

            var count = await work.ConfigureAwait(false);
            return StepResult.Ok($"{count} collections in {database}");
        }
        catch (MongoAuthenticationException ex)
        {
            var reason = ex.InnerException is MongoCommandException command ? Failures.OneLine(command.ErrorMessage) : Failures.Describe(ex);
            return StepResult.Fail($"authentication failed for user \"{username}\" on database \"{authSource}\": {reason}");
        }
        catch (MongoCommandException ex)
        {
            return StepResult.Fail($"listing collections of \"{database}\" failed: {Brief(ex.ErrorMessage)}");
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a MongoDB server", context));
        }
        catch (MongoConnectionException ex) when (Failures.Classify(ex) == TransportFailure.Other)
        {
            return StepResult.Fail($"not a MongoDB server: {Service.Describe(ex)}");
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            // Let the operation unwind before the client (and its monitor thread) is disposed.
            await Task.WhenAny(work).ConfigureAwait(false);
            _ = work.Exception;
        }
    }

    private static async Task<int> ListCollectionsAsync(MongoClient client, string database, CancellationToken cancellationToken)
    {
        using var cursor = await client.GetDatabase(database).ListCollectionNamesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var names = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        return names.Count;
    }

    private static string HandshakeFailure(Exception exception, CheckContext context) => Failures.Classify(exception) switch
    {
        TransportFailure.Other => $"not a MongoDB server: {Service.Describe(exception)}",
        TransportFailure.TimedOut => Service.NoReply("a MongoDB server", context),
        var transport => Failures.Words(transport),
    };

    // Server errors quote the whole command document; its first clause says it all.
    private static string Brief(string message)
    {
        var cut = message.IndexOf(" {", StringComparison.Ordinal);
        return Failures.OneLine(cut > 0 ? message[..cut] : message);
    }
}
