using BotBottle.Sidecar;

return await SidecarApplication.RunAsync(args).ConfigureAwait(false);
