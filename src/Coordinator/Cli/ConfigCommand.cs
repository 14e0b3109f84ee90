using System.CommandLine;
using System.Text.Json;
using ConnCheck.Coordinator.Generate;

namespace ConnCheck.Coordinator.Cli;

/// <summary>
/// conn-check config django|juju|env: writes a conn-check config generated from an app's settings or the
/// deploy tool's status. The YAML goes to stdout (or -o FILE); which environment variables must hold the
/// secrets, and what was left out, go to stderr. Unusable input exits 3.
/// </summary>
public static class ConfigCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var command = new Command("config", "Generate a config from a Django app's settings, juju status, or 12-factor URLs in the environment");
        command.Subcommands.Add(Django(output, error));
        command.Subcommands.Add(Juju(output, error));
        command.Subcommands.Add(Env(output, error));
        return command;
    }

    // --output-file and -f are the original conn-check-configs spellings.
    private static Option<string?> OutputOption() => new("--output", "-o", "--output-file", "-f") { HelpName = "FILE", Description = "Write the config to FILE instead of stdout" };

    private static Option<string?> FromOption() => new("--from") { HelpName = "ZONE", Description = "Run every generated check from this source zone" };

    private static Command Django(TextWriter output, TextWriter error)
    {
        var settings = new Argument<string>("SETTINGS.json") { Description = "The Django settings as JSON (see the README for the one-line manage.py command)" };
        var from = FromOption();
        var file = OutputOption();
        // The underscore spellings, -d, -p and -m are the original conn-check-configs' options.
        var statsdSend = new Option<string?>("--statsd-send", "--statsd_send") { HelpName = "TEXT", Description = $"What the statsd udp check sends (default {DjangoSettings.DefaultStatsdSend})" };
        var statsdExpect = new Option<string?>("--statsd-expect", "--statsd_expect") { HelpName = "TEXT", Description = "What the statsd udp check expects back (default: any reply)" };
        var databaseName = new Option<string?>("--database-name", "-d") { HelpName = "NAME", Description = "Database name for DATABASES entries without NAME" };
        var print = new Option<bool>("--print", "-p") { Description = "Print to stdout (the default; accepted for the original's command lines)" };
        var settingsModule = new Option<string?>("--settings-module", "-m") { HelpName = "MODULE", Description = "Not supported: dump the settings as JSON and pass the file" };
        var command = new Command("django", "Checks from Django settings: DATABASES, CACHES, Celery broker, OOPS publishers, statsd, EMAIL_HOST, RQ_QUEUES, service URLs in any setting")
        {
            settings, from, file, statsdSend, statsdExpect, databaseName, print, settingsModule,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(settingsModule) is not null)
            {
                result.AddError("-m/--settings-module: conn-check cannot import a Python settings module; dump the settings as JSON (see the README) and pass that file");
            }
        });
        command.SetAction(parse =>
        {
            var path = parse.GetValue(settings)!;
            return Run("django", path, parse.GetValue(from), parse.GetValue(file), output, error, config =>
                new DjangoSettings(StatusDocument.Read(path), config)
                {
                    StatsdSend = parse.GetValue(statsdSend) ?? DjangoSettings.DefaultStatsdSend,
                    StatsdExpect = parse.GetValue(statsdExpect) ?? "",
                    DefaultDatabaseName = parse.GetValue(databaseName),
                }.Generate());
        });
        return command;
    }

    private static Command Juju(TextWriter output, TextWriter error)
    {
        var status = new Argument<string>("STATUS") { Description = "Output of 'juju status --format=json' (or --format=yaml)" };
        var file = OutputOption();
        var command = new Command("juju", "Checks from juju status: zones from availability zones, each relation a check from the connecting end's zones to the listening end, or a note")
        {
            status, file,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(status)!;
            return Run("juju", path, null, parse.GetValue(file), output, error, config => new JujuStatus(StatusDocument.Read(path), config).Generate());
        });
        return command;
    }

    private static Command Env(TextWriter output, TextWriter error)
    {
        var from = FromOption();
        var file = OutputOption();
        var envFile = new Option<string?>("--env-file") { HelpName = "FILE", Description = "Read KEY=VALUE lines from FILE instead of this process's environment" };
        var command = new Command("env", $"Checks from 12-factor URLs: {string.Join(", ", EnvUrls.Variables)}") { from, file, envFile };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(envFile);
            var source = path is null ? "env" : $"env --env-file {path}";
            return Run(source, null, parse.GetValue(from), parse.GetValue(file), output, error, config =>
            {
                Func<string, string?> lookup = path is null ? Environment.GetEnvironmentVariable : ReadEnvFile(path).GetValueOrDefault;
                new EnvUrls(lookup, config).Generate();
            });
        });
        return command;
    }

    private static int Run(string kind, string? input, string? from, string? outputFile, TextWriter output, TextWriter error, Action<GeneratedConfig> generate)
    {
        var name = input is null ? kind : $"{kind} {Path.GetFileName(input)}";
        var config = new GeneratedConfig(from);
        try
        {
            generate(config);
        }
        catch (Exception ex) when (ex is GenerateException or JsonException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"conn-check config {kind}: {ex.Message}");
            return CommandLine.UsageError;
        }

        foreach (var note in config.Notes)
        {
            error.WriteLine($"note: {note}");
        }

        if (config.Summary is not null)
        {
            error.WriteLine(config.Summary);
        }

        if (config.Checks.Count == 0)
        {
            error.WriteLine($"conn-check config {kind}: found no checks to generate");
            return CommandLine.UsageError;
        }

        var yaml = config.ToYaml(name);
        if (outputFile is null)
        {
            output.Write(yaml);
        }
        else
        {
            File.WriteAllText(outputFile, yaml);
        }

        var variables = config.Variables.ToList();
        error.WriteLine($"conn-check config {kind}: {config.Checks.Count} check(s){(outputFile is null ? "" : " written to " + outputFile)}");
        if (variables.Count > 0)
        {
            error.WriteLine("Set these environment variables wherever conn-check runs (the config refers to them as ${NAME}):");
            var width = variables.Max(v => v.Variable.Length);
            foreach (var variable in variables)
            {
                error.WriteLine($"  {variable.Variable.PadRight(width)}  {variable.Meaning}");
            }
        }

        return 0;
    }

    /// <summary>KEY=VALUE lines as .env files write them: comments, blank lines, 'export ' and matching quotes allowed.</summary>
    private static Dictionary<string, string> ReadEnvFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new GenerateException($"{path}: no such file");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[line[..equals].Trim()] = value;
        }

        return values;
    }
}
