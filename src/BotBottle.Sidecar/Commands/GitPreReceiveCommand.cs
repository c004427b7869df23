using System.CommandLine;
using BotBottle.Dlp;
using BotBottle.Proposals;
using BotBottle.Sidecar.GitGate;
using BotBottle.Sidecar.Supervise;

namespace BotBottle.Sidecar.Commands;

/// <summary>
/// <c>bot-bottle-sidecar git-pre-receive --state DIR --repo NAME [--proposal-timeout S]</c>: the git gate's
/// <c>pre-receive</c> hook (see <see cref="PreReceiveHook"/>). The gate writes a hook script into each mirror that runs
/// this; git supplies the ref updates on standard input and relays what it prints to the pusher. Exit 0 accepts the
/// push, anything else refuses it.
/// </summary>
internal static class GitPreReceiveCommand
{
    /// <summary>Variable through which the gate passes its proposal timeout (seconds) to the hook.</summary>
    public const string ProposalTimeoutVariable = "BB_GATE_PROPOSAL_TIMEOUT";

    public static Command Create()
    {
        var state = new Option<string>("--state") { Description = "The bottle's state folder (mounted).", Required = true };
        var repo = new Option<string>("--repo") { Description = "The git-gate.repos name of the mirror being pushed to.", Required = true };
        var command = new Command("git-pre-receive", "The git gate's pre-receive hook (run by git, not by hand).") { state, repo };
        command.SetAction(async (parse, ct) =>
        {
            var dir = parse.GetValue(state)!;
            var name = parse.GetValue(repo)!;
            var plan = RunCommand.ReadPlan(dir);
            var entry = plan?.Bottle.GitGate.Repos.FirstOrDefault(r => r.Name == name);
            if (plan is null || entry is null)
            {
                await Console.Out.WriteLineAsync($"git gate: push refused: '{name}' is not a gated repository of this bottle (plan.json unreadable or without it).").ConfigureAwait(false);
                return 1;
            }

            var secrets = SidecarEnvironment.ReadSecrets();
            GitUpstream upstream;
            try
            {
                upstream = GitUpstream.Create(entry, dir, secrets);
            }
            catch (InvalidOperationException ex)
            {
                await Console.Out.WriteLineAsync($"git gate: push refused: {ex.Message}.").ConfigureAwait(false);
                return 1;
            }

            var seconds = int.TryParse(Environment.GetEnvironmentVariable(ProposalTimeoutVariable), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 600;
            var exchange = new ProposalExchange(dir);
            exchange.EnsureFolders();
            var filer = new ProposalFiler(exchange, plan.Slug, TimeSpan.FromSeconds(seconds));
            var engine = DlpEngine.Create(secrets.Select(kv => new KnownSecret(kv.Key, kv.Value)));
            var hook = new PreReceiveHook(upstream, engine, filer, dir, plan.Slug, Console.Out);
            return await hook.RunAsync(Console.In, ct).ConfigureAwait(false);
        });
        return command;
    }
}
