using BotBottle.Cli;

return await CliApplication.RunAsync(args).ConfigureAwait(false);
