using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BotBottle.Backends;
using BotBottle.Dlp;
using BotBottle.GitGate;
using BotBottle.Proposals;
using BotBottle.Serialization;
using BotBottle.Sidecar.Supervise;

namespace BotBottle.Sidecar.GitGate;

/// <summary>
/// The mirror's <c>pre-receive</c> hook (githooks(5)): git runs it once per push, after the pushed objects arrived (in
/// the quarantine area) and before any ref changes, with one <c>&lt;old&gt; &lt;new&gt; &lt;ref&gt;</c> line per ref on
/// standard input; a non-zero exit refuses every ref of the push, and what the hook prints reaches the pusher as
/// <c>remote:</c> lines. This hook:
/// <list type="number">
/// <item>refuses ref deletions and non-fast-forward updates unless the repository's manifest entry allows them
/// (<c>allow_delete</c>, <c>allow_force_push</c>);</item>
/// <item>scans exactly the commits the push introduces (<see cref="GitRefUpdate.RevisionArguments"/>) — their patches,
/// merges as dense combined diffs, the commits' own text — and annotated tag messages with the DLP engine (built-in
/// rules and the bottle's known secrets);</item>
/// <item>rejects on any finding without the inline allow marker, printing <c>file:line</c>, the rule and a redacted excerpt;</item>
/// <item>for each finding whose line carries <c>gitleaks:allow</c>, files a <c>gitleaks-allow</c> proposal and waits
/// for the operator: approval lets the push go on, denial or timeout rejects it (fail closed);</item>
/// <item>forwards the refs upstream with the host-held credential (<c>git push --atomic --force-with-lease=&lt;ref&gt;:&lt;old&gt;</c>
/// so the upstream changes only if it still is where the mirror saw it), and exits 0 only when the upstream accepted, so
/// git then accepts the refs locally;</item>
/// <item>appends the decision to <see cref="SidecarContract.GitPushAuditFile"/>.</item>
/// </list>
/// </summary>
internal sealed class PreReceiveHook(GitUpstream upstream, DlpEngine engine, ProposalFiler filer, string stateDirectory, string slug, TextWriter output)
{
    /// <summary>How a ref whose name carries a secret is named in messages and audit records.</summary>
    private const string WithheldRefName = "(a new ref whose name carries a secret)";

    /// <summary>Runs the hook over the lines of <paramref name="input"/>; returns the process exit code.</summary>
    public async Task<int> RunAsync(TextReader input, CancellationToken cancellationToken)
    {
        var updates = new List<GitRefUpdate>();
        string? line;
        while ((line = await input.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                updates.Add(GitRefUpdate.Parse(line));
            }
            catch (FormatException ex)
            {
                Say($"git gate: refusing the push: {ex.Message}");
                return 1;
            }
        }

        var refs = updates.Select(u => u.ToString()).ToList();

        // Deletes and non-fast-forward updates rewrite what the upstream has; only the manifest can allow them.
        var refused = new List<string>();
        foreach (var u in updates)
        {
            if (u.IsDelete && !upstream.Repository.AllowDelete)
            {
                refused.Add($"{u.RefName}: deleting a ref needs 'allow_delete: true' on git-gate.repos.{upstream.Repository.Name}");
            }
            else if (!u.IsDelete && !u.IsCreate && !upstream.Repository.AllowForcePush
                && (await GitUpstream.RunAsync(["--git-dir=" + upstream.MirrorPath, "merge-base", "--is-ancestor", u.OldId, u.NewId], null, null, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false)).ExitCode != 0)
            {
                refused.Add($"{u.RefName}: a non-fast-forward update (force push) needs 'allow_force_push: true' on git-gate.repos.{upstream.Repository.Name}");
            }
        }

        if (refused.Count > 0)
        {
            return Reject(refs, [], "refused: " + string.Join("; ", refused), "git gate: push rejected: " + string.Join("\ngit gate: push rejected: ", refused) + "\ngit gate: nothing reached the upstream.");
        }

        var commits = new List<string>();
        var seenCommits = new HashSet<string>(StringComparer.Ordinal);
        var findings = new List<(GitRefUpdate Update, GitScanFinding Finding)>();
        var seenFindings = new HashSet<(string, string, int, string)>();
        var scanner = new GitDiffScanner(engine);
        var notCommits = new List<string>();

        // A finding is reported once, on the first ref whose scan met it.
        void Add(GitRefUpdate u, IEnumerable<GitScanFinding> found) =>
            findings.AddRange(found.Where(f => seenFindings.Add((f.Commit, f.File, f.Line, f.Rule))).Select(f => (u, f)));

        try
        {
            foreach (var u in updates.Where(u => !u.IsDelete))
            {
                var result = await scanner.ScanAsync(upstream.MirrorPath, u.RevisionArguments, GitUpstream.BaseEnvironment, cancellationToken).ConfigureAwait(false);
                commits.AddRange(result.Commits.Where(seenCommits.Add));
                Add(u, result.Findings);

                // An annotated tag carries its own message (git-tag(1)); scan the tag objects the ref points through.
                var (tags, peeledType) = await TagChainAsync(u.NewId, cancellationToken).ConfigureAwait(false);
                if (peeledType != "commit")
                {
                    // `git log -p <blob|tree> --not --all` prints nothing and succeeds: a ref that names a blob (a
                    // lightweight tag) or a tree carries content no commit's patch shows, so it is refused, not scanned.
                    notCommits.Add($"{u.RefName} points to a {peeledType}{(tags.Count > 0 ? $" (through {tags.Count} tag object(s))" : string.Empty)}, not a commit");
                    continue;
                }

                var tagged = await scanner.ScanObjectsAsync(upstream.MirrorPath, tags, GitUpstream.BaseEnvironment, cancellationToken).ConfigureAwait(false);
                Add(u, tagged.Findings);

                // A new ref's name is pushed too (refs/heads/backup/ghp_…), with or without new commits.
                if (u.IsCreate)
                {
                    Add(u, scanner.ScanText(u.NewId, GitDiffScanner.RefNameLocation, u.RefName));
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            return Reject(refs, commits, $"the secret scan could not run ({ex.Message})", $"git gate: push refused: the secret scan could not run: {ex.Message}");
        }

        if (notCommits.Count > 0)
        {
            return Reject(refs, commits, "refused: " + string.Join("; ", notCommits),
                "git gate: push rejected: " + string.Join("\ngit gate: push rejected: ", notCommits)
                + "\ngit gate: the gate scans the commits a push adds; a ref naming a tree or a blob (directly or through tags) cannot be scanned that way, so it is refused. Nothing reached the upstream.");
        }

        var blocking = findings.Where(f => !f.Finding.InlineAllowed).ToList();
        if (blocking.Count > 0)
        {
            // A ref whose name carries the secret is not named in the message or the audit record.
            var withheld = blocking.Where(b => b.Finding.File == GitDiffScanner.RefNameLocation).Select(b => b.Update).ToHashSet();
            foreach (var u in withheld)
            {
                refs[updates.IndexOf(u)] = (u with { RefName = WithheldRefName }).ToString();
            }

            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"git gate: push rejected: {blocking.Count} secret(s) found in the commits this push adds.\n");
            foreach (var (u, f) in blocking.Take(50))
            {
                var on = withheld.Contains(u) ? WithheldRefName : u.RefName;
                sb.Append(CultureInfo.InvariantCulture, $"git gate:   {f.File}:{f.Line}  {f.Rule}  {f.Excerpt}  (commit {Short(f.Commit)} on {on})\n");
            }

            if (blocking.Count > 50)
            {
                sb.Append(CultureInfo.InvariantCulture, $"git gate:   … and {blocking.Count - 50} more\n");
            }

            sb.Append("git gate: remove the secret from these commits (rewrite them, e.g. git commit --amend or git rebase -i) and push again. Nothing reached the upstream.\n");
            return Reject(refs, commits, "findings: " + string.Join(", ", blocking.Select(b => $"{b.Finding.File}:{b.Finding.Line} {b.Finding.Rule}")), sb.ToString().TrimEnd('\n'));
        }

        var allowed = findings.Where(f => f.Finding.InlineAllowed).ToList();
        if (allowed.Count > 0)
        {
            var outcome = await AskAsync(allowed, cancellationToken).ConfigureAwait(false);
            if (outcome is not null)
            {
                return Reject(refs, commits, outcome, $"git gate: push rejected: {outcome}. Nothing reached the upstream.");
            }
        }

        // Forward upstream; only its acceptance lets git accept the refs here.
        var args = new List<string> { "--git-dir=" + upstream.MirrorPath, "push", "--porcelain", "--atomic", upstream.Url };
        foreach (var u in updates)
        {
            args.Add($"--force-with-lease={u.RefName}:{(u.IsCreate ? string.Empty : u.OldId)}");
        }

        foreach (var u in updates)
        {
            args.Add(u.IsDelete ? ":" + u.RefName : $"{u.NewId}:{u.RefName}");
        }

        Say($"git gate: {commits.Count} commit(s) scanned clean{(allowed.Count > 0 ? $" ({allowed.Count} inline-allowed finding(s) approved)" : string.Empty)}; forwarding to {upstream.Url}");
        var push = await GitUpstream.RunAsync(args, upstream.UpstreamEnvironment, null, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
        if (!push.Succeeded)
        {
            var why = UpstreamRefusal(push);
            return Reject(refs, commits, "upstream refused: " + why, $"git gate: push rejected by the upstream {upstream.Url}: {why}\ngit gate: if the upstream moved on, fetch, rebase and push again. Nothing changed here.");
        }

        Audit(refs, commits, GitPushVerdict.Accepted, allowed.Count > 0 ? $"forwarded upstream; approved: {string.Join(", ", allowed.Select(a => $"{a.Finding.File}:{a.Finding.Line} {a.Finding.Rule}"))}" : "clean; forwarded upstream");
        Say("git gate: the upstream accepted the push");
        return 0;
    }

    /// <summary>
    /// The annotated tag objects <paramref name="id"/> points through (a tag of a tag …), outermost first, and the type of
    /// the object at the end of the chain (<c>commit</c>, <c>tree</c>, <c>blob</c>; git-cat-file(1) <c>-t</c>).
    /// </summary>
    private async Task<(List<string> Chain, string PeeledType)> TagChainAsync(string id, CancellationToken ct)
    {
        var chain = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            var type = (await GitUpstream.RunAsync(["--git-dir=" + upstream.MirrorPath, "cat-file", "-t", id], GitUpstream.BaseEnvironment, null, TimeSpan.FromMinutes(1), ct).ConfigureAwait(false)).StandardOutput.Trim();
            if (type != "tag")
            {
                return (chain, type.Length == 0 ? "missing object" : type);
            }

            chain.Add(id);
            var body = await GitUpstream.RunAsync(["--git-dir=" + upstream.MirrorPath, "cat-file", "tag", id], GitUpstream.BaseEnvironment, null, TimeSpan.FromMinutes(1), ct).ConfigureAwait(false);
            var target = body.StandardOutput.Split('\n').FirstOrDefault(l => l.StartsWith("object ", StringComparison.Ordinal));
            if (target is null)
            {
                return (chain, "malformed tag");
            }

            id = target[7..].Trim();
        }

        return (chain, "chain of more than 16 tags");
    }

    /// <summary>Files one <c>gitleaks-allow</c> proposal per inline-allowed finding and waits for all; null when all were approved, else why not.</summary>
    private async Task<string?> AskAsync(List<(GitRefUpdate Update, GitScanFinding Finding)> allowed, CancellationToken cancellationToken)
    {
        var waits = new List<(GitScanFinding Finding, string Id, Task<ProposalDecision?> Decision)>();
        foreach (var (u, f) in allowed)
        {
            var payload = new GitleaksAllowPayload(upstream.Repository.Name, u.RefName, f.Commit, f.File, f.Line, f.Rule, f.Excerpt, f.Fingerprint);
            var proposal = new BottleProposal
            {
                Id = filer.NewId(),
                BottleName = slug,
                Kind = ProposalKind.GitleaksAllow,
                Payload = JsonSerializer.Serialize(payload, ProposalJsonContext.Default.GitleaksAllowPayload),
                Summary = $"push {f.File}:{f.Line} ({f.Rule}) to {upstream.Repository.Name} {u.RefName}",
                Justification = $"the line carries the inline allow marker '{GitDiffScanner.AllowMarker}': {f.Excerpt} (commit {Short(f.Commit)})",
                FiledAt = DateTimeOffset.UtcNow,
            };
            Say($"git gate: {f.File}:{f.Line} ({f.Rule}) carries '{GitDiffScanner.AllowMarker}'; waiting up to {filer.Timeout.TotalSeconds:0} s for the operator to approve proposal {proposal.Id}");
            waits.Add((f, proposal.Id, filer.FileAndWaitAsync(proposal, cancellationToken)));
        }

        var refused = new List<string>();
        foreach (var (f, id, task) in waits)
        {
            var d = await task.ConfigureAwait(false);
            var state = d?.State ?? ProposalState.Expired;
            if (state is ProposalState.Approved or ProposalState.Modified)
            {
                Say($"git gate: proposal {id} approved{(d?.Reason is { Length: > 0 } r ? $": {r}" : string.Empty)}");
                continue;
            }

            var what = state == ProposalState.Denied ? $"denied{(d?.Reason is { Length: > 0 } dr ? $" ({dr})" : string.Empty)}" : "not decided in time (expired)";
            refused.Add($"{f.File}:{f.Line} {f.Rule}: proposal {id} {what}");
        }

        return refused.Count == 0 ? null : "inline-allowed finding(s) not approved: " + string.Join("; ", refused);
    }

    private int Reject(List<string> refs, List<string> commits, string detail, string message)
    {
        Say(message);
        Audit(refs, commits, GitPushVerdict.Rejected, detail);
        return 1;
    }

    private void Audit(List<string> refs, List<string> commits, string verdict, string detail)
    {
        var record = new GitPushRecord(Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant(), DateTimeOffset.UtcNow, upstream.Repository.Name, refs, commits, verdict, detail);
        var path = Path.Combine(stateDirectory, SidecarContract.GitPushAuditFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // One write() of a whole line with O_APPEND: concurrent hooks never interleave within a line.
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        fs.Write(Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n"));
        fs.Flush(flushToDisk: true);
    }

    private static string UpstreamRefusal(GitRun push)
    {
        // --porcelain: "!<tab>src:dst<tab>[rejected] (reason)" lines on stdout; connection problems on stderr.
        var rejected = push.StandardOutput.Split('\n').Where(l => l.StartsWith('!')).Select(l => l.Split('\t').Last().Trim()).ToList();
        return rejected.Count > 0 ? string.Join("; ", rejected) + (push.StandardError.Trim().Length > 0 ? " — " + push.ErrorTail : string.Empty) : push.ErrorTail;
    }

    private void Say(string text)
    {
        foreach (var l in text.Split('\n'))
        {
            output.WriteLine(l);
        }

        output.Flush();
    }

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;
}
