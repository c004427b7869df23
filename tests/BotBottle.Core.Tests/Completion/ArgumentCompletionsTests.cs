using System.Text.Json;
using BotBottle.Completion;
using BotBottle.Instances;
using BotBottle.Planning;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Tests.Manifest;

namespace BotBottle.Tests.Completion;

/// <summary>
/// The values behind every argument completer, from real files: agent and bottle manifests, prepared bottles'
/// state folders and the SQLite proposal store. The sources take no engine at all, so completion cannot reach one.
/// </summary>
public sealed class ArgumentCompletionsTests : IDisposable
{
    private readonly TestHome _home = new();

    public void Dispose() => _home.Dispose();

    private BotBottleServices Services => new(_home.Home, _home.Project, BotBottle.Processes.ProcessRunner.Default);

    [Fact]
    public void Agent_and_bottle_names_complete_by_case_insensitive_prefix()
    {
        _home.Bottle("shell", "agent_provider: {template: shell}\n");
        _home.Bottle("github-task", "agent_provider: {template: shell}\n");
        _home.Agent("reviewer", "bottle: shell\n");
        _home.Agent("refactor", "bottle: shell\n");
        _home.Agent("helper", "bottle: shell\n");

        Assert.Equal(["refactor", "reviewer"], ArgumentCompletions.AgentNames(Services.Catalog, "RE").Select(i => i.Value));
        Assert.Equal(["helper", "refactor", "reviewer"], ArgumentCompletions.AgentNames(Services.Catalog, null).Select(i => i.Value));
        Assert.Empty(ArgumentCompletions.AgentNames(Services.Catalog, "zz"));
        Assert.Equal(["github-task"], ArgumentCompletions.BottleDefinitions(Services.Catalog, "g").Select(i => i.Value));
        Assert.Equal(["docker"], ArgumentCompletions.Backends("d").Select(i => i.Value));
        Assert.Equal(BottlePreparer.Backends.ToArray(), ArgumentCompletions.Backends("").Select(i => i.Value).ToArray());
    }

    [Fact]
    public async Task Bottle_slugs_and_proposal_ids_come_from_local_state_with_tooltips_pending_first()
    {
        _home.Bottle("shell", "agent_provider: {template: shell}\n");
        _home.Agent("reviewer", "bottle: shell\n");
        var services = Services;
        var secrets = new DictionarySecretSource(new Dictionary<string, SecretValue>());
        var one = await services.Preparer.PrepareAsync(new PrepareRequest { Agent = "reviewer", Label = "rev-one" }, secrets, dryRun: false);
        await services.Preparer.PrepareAsync(new PrepareRequest { Agent = "reviewer", Label = "rev-two" }, secrets, dryRun: false);

        var slugs = ArgumentCompletions.BottleSlugs(_home.Home, "REV-");
        Assert.Equal(["rev-one", "rev-two"], slugs.Select(i => i.Value));
        Assert.Equal("reviewer (Prepared)", slugs[0].ToolTip);
        Assert.Empty(ArgumentCompletions.ProposalIds(_home.Home, null)); // no store yet: nothing, and no store created
        Assert.False(File.Exists(ProposalService.DatabasePath(_home.Home)));

        var exchange = new ProposalExchange(one.Bottle.StateDirectory);
        exchange.EnsureFolders();
        foreach (var (id, host) in new[] { ("rev-one-aaaa", "a.example"), ("rev-one-bbbb", "b.example") })
        {
            exchange.WritePending(new BottleProposal
            {
                Id = id,
                BottleName = "rev-one",
                Kind = ProposalKind.EgressAllow,
                Payload = JsonSerializer.Serialize(new EgressAllowPayload($"routes:\n  - host: {host}\n"), CoreJsonContext.Default.EgressAllowPayload),
                Summary = "allow " + host,
                Justification = "test",
                FiledAt = DateTimeOffset.UtcNow,
            });
        }

        services.Proposals.Deny("rev-one-aaaa", "no");
        var ids = ArgumentCompletions.ProposalIds(_home.Home, "rev-one-");
        Assert.Equal(["rev-one-bbbb", "rev-one-aaaa"], ids.Select(i => i.Value)); // pending first
        Assert.Equal("Pending: allow b.example", ids[0].ToolTip);
        Assert.Equal("Denied: allow a.example", ids[1].ToolTip);
    }

    [Fact]
    public void Unreadable_state_gives_fewer_completions_never_an_error()
    {
        Directory.CreateDirectory(Path.Combine(_home.Home.StateDirectory, "broken"));
        File.WriteAllText(Path.Combine(_home.Home.StateDirectory, "broken", "metadata.json"), "{ not json");
        var items = ArgumentCompletions.BottleSlugs(_home.Home, null);
        Assert.Equal(["broken"], items.Select(i => i.Value));
        Assert.Equal("broken", items[0].ToolTip);

        File.WriteAllText(ProposalService.DatabasePath(_home.Home), "this is not a SQLite database, it is long enough to have a header though.....");
        Assert.Empty(ArgumentCompletions.ProposalIds(_home.Home, null));
    }
}
