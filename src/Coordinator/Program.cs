using ConnCheck.Coordinator.Cli;

return await CommandLine.InvokeAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
