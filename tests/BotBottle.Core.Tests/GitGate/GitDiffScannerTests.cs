using System.Diagnostics;
using System.Text;
using BotBottle.Dlp;
using BotBottle.GitGate;
using BotBottle.Tests.Dlp;

namespace BotBottle.Tests.GitGate;

/// <summary>
/// The git gate's scan over real repositories made with real git: exactly the commits a push introduces, added lines
/// only, <c>file:line</c>, redaction, the inline allow marker, and patch lines that merely look like headers.
/// </summary>
public sealed class GitDiffScannerTests : IDisposable
{
    private readonly TempDirectory _dir = new("bbscan");
    private readonly GitDiffScanner _scanner = new(DlpEngine.Create([new KnownSecret("DEPLOY_PASSWORD", "correct-horse-battery-staple-42")]));

    private string Repo => _dir.Combine("repo");

    public GitDiffScannerTests()
    {
        Git(_dir.Path, "init", "-q", "-b", "main", Repo);
        Commit("README.md", "# project\n", "initial");
    }

    public void Dispose() => _dir.Dispose();

    private string Git(string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "user.name=T", "-c", "user.email=t@example.com" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
        return output.Trim();
    }

    /// <summary>Runs git in the repository with <paramref name="input"/> on its standard input (git mktree).</summary>
    private string GitWithInput(string input, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "user.name=T", "-c", "user.email=t@example.com" }.Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Write(input);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
        return output.Trim();
    }

    private string Commit(string file, string content, string message) => CommitBytes(file, Encoding.UTF8.GetBytes(content), message);

    private string CommitBytes(string file, byte[] content, string message)
    {
        var path = Path.Combine(Repo, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        Git(Repo, "add", "-A");
        Git(Repo, "commit", "-q", "-m", message);
        return Git(Repo, "rev-parse", "HEAD");
    }

    /// <summary>
    /// A binary file is scanned as text (<c>--text</c>), its undecodable bytes read as U+FFFD. A credential name and
    /// <c>=</c> that random bytes happen to form (the bytes below are a line of a 48 MiB /dev/urandom file the
    /// gate refused as "pwD = …[17 chars]": about one such file in eight was refused) are noise, not an assignment: a
    /// control character or U+FFFD ends a value. A real assignment in a binary file is still found up to that byte.
    /// </summary>
    [Fact]
    public async Task Random_bytes_that_spell_a_credential_name_are_not_an_assignment_but_a_real_one_in_a_binary_is_found()
    {
        byte[] noise =
        [
            0xC6, 0x92, 0x0D, 0xE3, 0x9A, 0x23, 0x09, 0xD1, 0x41, 0xFE, 0xC3, 0x5E, 0xEF, 0x7C, 0x76, 0x16, 0x9F, 0x7E, 0xBE, 0x2F,
            .. "pwD=7eav"u8, 0xB1, 0xFA, 0xC0, 0x54, 0x8F, 0xFE, 0xD2, 0x17, 0xA9, .. "ux"u8, 0x7F, .. "~}N"u8, 0x01, (byte)'m', 0xF3,
            .. "\\6"u8, 0x7F, 0xEE, .. "_i"u8, 0xC8, (byte)'3', 0xDE, 0x93, 0xFF, 0xFE, 0x02, .. "Hu"u8, 0x06, 0x04, 0x1F, 0x00, 0x0A,
        ];
        var before = Git(Repo, "rev-parse", "HEAD");
        var c = CommitBytes("assets/noise.bin", noise, "noise");
        var clean = await ScanAsync($"{before}..{c}");
        Assert.True(clean.Findings.Count == 0, string.Join(" | ", clean.Findings));

        byte[] real = [0x00, 0x89, .. "db_password=Xk9mQ2vL8pR4"u8, 0xFF, 0xFE, 0x01, .. "pwd=\"Zq7#nW2xKp5\""u8, 0x00, 0x0A];
        var d = CommitBytes("assets/real.bin", real, "real");
        var found = await ScanAsync($"{c}..{d}");
        Assert.Equal(2, found.Findings.Count(f => f.Rule == "credential-assignment"));
    }

    private Task<GitScanResult> ScanAsync(params string[] revisions) => _scanner.ScanAsync(Path.Combine(Repo, ".git"), revisions, null, CancellationToken.None);

    [Fact]
    public async Task Findings_name_the_file_the_line_the_rule_and_a_redacted_excerpt()
    {
        var token = Tokens.GitHub("ghp_", 5);
        var before = Git(Repo, "rev-parse", "HEAD");
        var c = Commit("src/config.py", $"a = 1\nb = 2\n\nTOKEN = \"{token}\"\n", "config");
        var r = await ScanAsync($"{before}..{c}");
        var f = Assert.Single(r.Findings);
        Assert.Equal(("src/config.py", 4, "github-pat-classic", c), (f.File, f.Line, f.Rule, f.Commit));
        Assert.Contains("[REDACTED", f.Excerpt, StringComparison.Ordinal);
        Assert.DoesNotContain(token, f.ToString(), StringComparison.Ordinal);
        Assert.False(f.InlineAllowed);
        Assert.Equal([c], r.Commits);
        Assert.Equal(64, f.Fingerprint.Length);
    }

    /// <summary>
    /// Red team, round 7: a path is pushed as much as a file's lines are. An empty file named after a token has no line
    /// at all; a renamed file (--no-renames: a new one) gets its new name scanned; a file already there that a later
    /// commit changes is not re-flagged for its name.
    /// </summary>
    [Fact]
    public async Task The_path_of_a_file_a_commit_creates_is_scanned_even_when_the_file_is_empty()
    {
        var token = Tokens.GitHub("ghp_", 61);
        var before = Git(Repo, "rev-parse", "HEAD");
        var c = Commit($"keys/{token}/empty", string.Empty, "an empty file");
        var r = await ScanAsync($"{before}..{c}");
        var f = Assert.Single(r.Findings);
        Assert.Equal((GitDiffScanner.FileNameLocation, "github-pat-classic", c), (f.File, f.Rule, f.Commit));
        Assert.DoesNotContain(token, f.ToString(), StringComparison.Ordinal);

        var changed = Commit($"keys/{token}/empty", "now with a line\n", "a line");
        Assert.Empty((await ScanAsync($"{c}..{changed}")).Findings);

        Directory.CreateDirectory(Path.Combine(Repo, "docs"));
        Git(Repo, "mv", "README.md", $"docs/{Tokens.GitHub("ghp_", 62)}.md");
        Git(Repo, "commit", "-q", "-m", "renamed");
        var renamed = Git(Repo, "rev-parse", "HEAD");
        var moved = Assert.Single((await ScanAsync($"{changed}..{renamed}")).Findings);
        Assert.Equal(GitDiffScanner.FileNameLocation, moved.File);
    }

    /// <summary>
    /// Red team 11, from inside a real bottle: a tree entry that names the empty tree (git mktree writes one; the index
    /// never does) has no file under it, so git log -p prints nothing for it and a token used as the directory's name
    /// went upstream. Both a top-level one and one under a directory that holds only it are found; a plain empty
    /// directory is not a finding (control), nor is one a later commit keeps.
    /// </summary>
    [Fact]
    public async Task The_name_of_an_empty_directory_a_commit_adds_is_scanned()
    {
        var (top, deep) = (Tokens.GitHub("ghp_", 65), Tokens.GitHub("ghp_", 66));
        var before = Git(Repo, "rev-parse", "HEAD");
        var empty = GitWithInput(string.Empty, "mktree");
        var nested = GitWithInput($"040000 tree {empty}\t{deep}\n", "mktree");
        var listing = Git(Repo, "ls-tree", "HEAD") + "\n";
        var tree = GitWithInput(listing + $"040000 tree {empty}\t{top}\n040000 tree {nested}\tkeys\n040000 tree {empty}\tplain-empty-dir\n", "mktree");
        var c = GitWithInput("add nothing\n", "commit-tree", tree, "-p", before);

        var r = await ScanAsync($"{before}..{c}");
        Assert.Equal(2, r.Findings.Count);
        Assert.All(r.Findings, f => Assert.Equal((GitDiffScanner.FileNameLocation, "github-pat-classic", c), (f.File, f.Rule, f.Commit)));
        Assert.DoesNotContain(r.Findings, f => f.ToString().Contains(top, StringComparison.Ordinal) || f.ToString().Contains(deep, StringComparison.Ordinal));

        // A later commit that keeps them adds nothing new.
        var later = GitWithInput("again\n", "commit-tree", tree, "-p", c);
        Assert.Empty((await ScanAsync($"{c}..{later}")).Findings);
    }

    [Theory]
    [InlineData(":000000 040000 0000000000000000000000000000000000000000 4b825dc642cb6eb9a060e54bf8d69288fbee4904 A\tdir/name", "dir/name")]
    [InlineData("::000000 000000 040000 0000000000000000000000000000000000000000 0000000000000000000000000000000000000000 4b825dc642cb6eb9a060e54bf8d69288fbee4904 AA\tmerged", "merged")]
    [InlineData(":000000 040000 0000000000000000000000000000000000000000 38e444ef5a944e5c81c44f1cffd0617f0d1b8960 A\tnot-empty", null)]
    [InlineData(":000000 100644 0000000000000000000000000000000000000000 4b825dc642cb6eb9a060e54bf8d69288fbee4904 A\ta-file", null)]
    [InlineData(":040000 040000 38e444ef5a944e5c81c44f1cffd0617f0d1b8960 4b825dc642cb6eb9a060e54bf8d69288fbee4904 M\temptied", null)]
    [InlineData("commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904", null)]
    public void Raw_lines_that_add_an_empty_tree_give_its_path(string line, string? path) =>
        Assert.Equal(path, GitDiffScanner.EmptyTreePath(line));

    /// <summary>
    /// Red team 11: a pack that inflates to hundreds of megabytes of added text made the gate's hook run out of memory
    /// (no audit record; a .NET stack trace to the agent). A file is now scanned in blocks — a token past the first block
    /// is still found, at its line — and a single line longer than the scan reads fails the scan, which refuses the push.
    /// </summary>
    [Fact]
    public async Task A_huge_file_is_scanned_in_blocks_and_a_huge_line_fails_the_scan()
    {
        var token = Tokens.GitHub("ghp_", 67);
        var before = Git(Repo, "rev-parse", "HEAD");
        var filler = new string('x', 99);
        int lines = (int)(GitDiffScanner.MaxBlockChars / 100) + 5000;
        var text = new StringBuilder(lines * 100 + 100);
        for (var i = 0; i < lines; i++)
        {
            text.Append(filler).Append('\n');
        }

        text.Append("GITHUB_TOKEN=").Append(token).Append('\n');
        var c = Commit("data/big.txt", text.ToString(), "big");
        var f = Assert.Single((await ScanAsync($"{before}..{c}")).Findings);
        Assert.Equal(("data/big.txt", lines + 1), (f.File, f.Line));

        var one = Commit("data/one-line.txt", new string('y', GitDiffScanner.MaxLineChars + 10) + "\n", "one line");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ScanAsync($"{c}..{one}"));
        Assert.Contains("longer than the gate scans", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Red team 8: a CR inside an added line ended the line for the patch reader (TextReader.ReadLine), so the rest of
    /// it came as a line without '+', which ended the hunk, and every later added line of the file went unscanned.
    /// </summary>
    [Theory]
    [InlineData("notes\rnot a header\n")]
    [InlineData("old mac\rline endings\r")]
    [InlineData("a\r\r\rb\r\n")]
    public async Task A_carriage_return_inside_a_line_does_not_hide_the_lines_after_it(string start)
    {
        var token = Tokens.GitHub("ghp_", 64);
        var before = Git(Repo, "rev-parse", "HEAD");
        var c = Commit("notes.txt", start + "ok\nGITHUB_TOKEN=" + token + "\n", "notes");
        var f = Assert.Single((await ScanAsync($"{before}..{c}")).Findings);
        Assert.Equal(("notes.txt", "github-pat-classic"), (f.File, f.Rule));
    }

    /// <summary>
    /// Red team 8: a file written as UTF-16 (Windows PowerShell 5.1's <c>Out-File</c>, <c>iconv -t UTF-16LE</c>) carried
    /// a token past the gate: <c>git log -p --text</c> gives its lines with a NUL beside every character.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_token_in_a_utf16_file_is_found(bool bigEndian)
    {
        var token = Tokens.GitHub("ghp_", 63);
        var before = Git(Repo, "rev-parse", "HEAD");
        var path = Path.Combine(Repo, "settings.txt");
        File.WriteAllText(path, "# settings\r\nGITHUB_TOKEN=" + token + "\r\n", new UnicodeEncoding(bigEndian, byteOrderMark: true));
        Git(Repo, "add", "-A");
        Git(Repo, "commit", "-q", "-m", "settings");
        var c = Git(Repo, "rev-parse", "HEAD");
        var f = Assert.Single((await ScanAsync($"{before}..{c}")).Findings);
        Assert.Equal(("settings.txt", "github-pat-classic", c), (f.File, f.Rule, f.Commit));
    }

    /// <summary>
    /// Egress reports credential-shaped values that fail their format's check (issue 16), but the git gate keeps
    /// ignoring them: documentation examples and placeholder keys are ordinary content of a commit.
    /// </summary>
    [Fact]
    public async Task Unvalidated_findings_do_not_block_a_push_but_validated_ones_do()
    {
        var before = Git(Repo, "rev-parse", "HEAD");
        var broken = Tokens.GitHub("ghp_", 12)[..^1] + "Q";
        var docs = Commit("docs/aws.md", $"Example key: `{Tokens.Published.AwsExampleKeyId}`\nDocs token: `{Tokens.Published.GitHubDocsExampleToken}`\nBroken: `{broken}`\n", "docs");
        var r = await ScanAsync($"{before}..{docs}");
        Assert.Empty(r.Findings);

        var findings = new List<DlpFinding>();
        DlpEngine.Create([]).Scan(File.ReadAllText(Path.Combine(Repo, "docs", "aws.md")), DlpLocation.Body, DlpDetectors.All, findings);
        Assert.Equal(3, findings.Count(f => !f.Validated)); // the engine does see them

        var real = Commit("docs/aws.md", $"Real: `{Tokens.GitHub("ghp_", 13)}`\n", "real token");
        Assert.Equal("github-pat-classic", Assert.Single((await ScanAsync($"{docs}..{real}")).Findings).Rule);
    }

    [Fact]
    public async Task Line_numbers_follow_the_new_file_across_hunks_and_removed_lines_are_not_scanned()
    {
        var token = Tokens.GitHub("ghp_", 6);
        Commit("app.cfg", string.Join('\n', Enumerable.Range(1, 30).Select(i => $"line {i}")) + "\n", "base");
        var withOld = Commit("old.cfg", $"old = \"{token}\"\n", "old secret");
        var lines = Enumerable.Range(1, 30).Select(i => $"line {i}").ToList();
        lines[2] = "changed 3";
        lines.Insert(20, $"password = \"correct-horse-battery-staple-42\"");
        File.Delete(Path.Combine(Repo, "old.cfg")); // removing a secret is not a finding
        var c = Commit("app.cfg", string.Join('\n', lines) + "\n", "edit");
        var r = await ScanAsync($"{withOld}..{c}");
        var f = Assert.Single(r.Findings);
        Assert.Equal(("app.cfg", 21, "DEPLOY_PASSWORD", DlpFinding.KnownSecretsDetector), (f.File, f.Line, f.Rule, f.Detector));
        Assert.Equal(c, f.Commit);
        Assert.Equal([c], r.Commits); // the range is exactly the edit: the commit that added old.cfg is not rescanned

        // Control: the removed secret is a finding when the commit that added it is in the range.
        var added = await ScanAsync($"{withOld}~1..{withOld}");
        Assert.Contains(added.Findings, x => x.File == "old.cfg" && x.Commit == withOld);
    }

    [Fact]
    public async Task A_new_branch_scans_only_commits_no_existing_ref_reaches()
    {
        var token = Tokens.GitHub("ghp_", 7);
        Commit("legacy.cfg", $"t = \"{token}\"\n", "legacy secret, already upstream");
        Commit("more.txt", "more\n", "after");
        Git(Repo, "checkout", "-q", "-b", "feature", "HEAD~1");
        var c = Commit("feature.txt", "feature\n", "feature");

        // The mirror's refs are what the upstream has: only main exists; feature is new.
        var update = new GitRefUpdate(new string('0', 40), c, "refs/heads/feature");
        Git(Repo, "update-ref", "-d", "refs/heads/feature");
        var r = await ScanAsync([.. update.RevisionArguments]);
        Assert.Empty(r.Findings);
        Assert.Equal([c], r.Commits);
    }

    [Fact]
    public async Task The_inline_allow_marker_suppresses_into_a_flag_and_multi_line_keys_are_one_finding()
    {
        var before = Git(Repo, "rev-parse", "HEAD");
        var pem = "-----BEGIN PRIVATE KEY-----\n" + Tokens.PemBody(3) + "-----END PRIVATE KEY-----\n";
        var c = Commit("fixtures/keys.txt", $"fixture = \"{Tokens.GitHub("ghp_", 8)}\" # gitleaks:allow\n{pem}", "fixtures");
        var r = await ScanAsync($"{before}..{c}");
        Assert.Equal(2, r.Findings.Count);
        var allowed = Assert.Single(r.Findings, f => f.InlineAllowed);
        Assert.Equal(1, allowed.Line);
        var key = Assert.Single(r.Findings, f => !f.InlineAllowed);
        Assert.Equal((2, "private-key"), (key.Line, key.Rule));
    }

    [Fact]
    public void Content_lines_that_look_like_headers_are_read_by_the_hunk_counts()
    {
        var token = Tokens.GitHub("ghp_", 9);
        var patch = $"""
            commit {new string('a', 40)}

            diff --git a/x.txt b/x.txt
            new file mode 100644
            --- /dev/null
            +++ b/x.txt
            @@ -0,0 +1,3 @@
            +++ b/not-a-file.txt
            +commit {new string('b', 40)}
            +key = "{token}"
            """;
        var r = _scanner.Scan(new StringReader(patch));
        var f = Assert.Single(r.Findings);
        Assert.Equal(("x.txt", 3, new string('a', 40)), (f.File, f.Line, f.Commit));
        Assert.Equal([new string('a', 40)], r.Commits);
    }

    [Fact]
    public void Quoted_paths_are_unquoted()
    {
        Assert.Equal("dir/é \"q\".txt", GitDiffScanner.UnquotePath("\"dir/\\303\\251 \\\"q\\\".txt\""));
        Assert.Equal("plain.txt", GitDiffScanner.UnquotePath("plain.txt"));
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/new", true, false, "1111111111111111111111111111111111111111 --not --all")]
    [InlineData("1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/main", false, false, "1111111111111111111111111111111111111111..2222222222222222222222222222222222222222")]
    [InlineData("1111111111111111111111111111111111111111 0000000000000000000000000000000000000000 refs/heads/gone", false, true, "")]
    public void Pre_receive_lines_give_the_revisions_to_scan(string line, bool create, bool delete, string revisions)
    {
        var u = GitRefUpdate.Parse(line);
        Assert.Equal((create, delete), (u.IsCreate, u.IsDelete));
        Assert.Equal(revisions, string.Join(' ', u.RevisionArguments));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc def refs/heads/x")]
    [InlineData("0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 main")]
    public void Malformed_pre_receive_lines_are_refused(string line) =>
        Assert.Throws<FormatException>(() => GitRefUpdate.Parse(line));

    [Fact]
    public async Task A_replace_ref_does_not_make_the_scan_read_a_decoy_in_place_of_the_pushed_commit()
    {
        // Red team 9: git log and cat-file follow refs/replace/* (git-replace(1)). With refs/replace/<X> -> Y in the
        // repository (a ref the agent pushed earlier), a scan of X read Y's clean patch and text, while a push of X
        // (pack-objects never replaces) carries X itself.
        var token = Tokens.GitHub("ghp_", 8);
        var before = Git(Repo, "rev-parse", "HEAD");
        var leaky = Commit("hidden.cfg", $"t = \"{token}\"\n", "deploy notes\n\npassword: correct-horse-battery-staple-42");
        Git(Repo, "reset", "-q", "--hard", before);
        var decoy = Commit("decoy.txt", "decoy\n", "decoy");
        Git(Repo, "replace", leaky, decoy);
        Git(Repo, "update-ref", "refs/heads/main", before);

        var r = await ScanAsync(leaky, "--not", "--all");
        Assert.Equal([leaky], r.Commits);
        Assert.Contains(r.Findings, f => (f.File, f.Rule) == ("hidden.cfg", "github-pat-classic"));
        Assert.Contains(r.Findings, f => (f.File, f.Rule) == ("(commit message)", "DEPLOY_PASSWORD"));
        Assert.All(r.Findings, f => Assert.Equal(leaky, f.Commit));
    }

    [Fact]
    public async Task A_commit_whose_encoding_header_hides_a_token_from_the_scan_fails_it()
    {
        // Red team 9: a commit with "encoding IBM037" and an EBCDIC message. git log re-encodes it and shows the token;
        // read as UTF-8 the bytes hold no letter of it, so the message scan found nothing and the push went upstream.
        var token = Tokens.GitHub("ghp_", 9);
        var before = Git(Repo, "rev-parse", "HEAD");
        var tree = Git(Repo, "rev-parse", "HEAD^{tree}");
        string Write(string encoding, byte[] message)
        {
            var header = Encoding.ASCII.GetBytes($"tree {tree}\nparent {before}\nauthor T <t@example.com> 1700000000 +0000\ncommitter T <t@example.com> 1700000000 +0000\nencoding {encoding}\n\n");
            var file = _dir.Combine("commit-" + encoding);
            File.WriteAllBytes(file, [.. header, .. message]);
            return Git(Repo, "hash-object", "-t", "commit", "-w", file);
        }

        var ebcdic = Write("IBM037", Ebcdic037($"deploy\n\ntoken {token}\n"));
        Assert.Contains(token, Git(Repo, "log", "-1", "--format=%B", ebcdic), StringComparison.Ordinal); // what git shows
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ScanAsync($"{before}..{ebcdic}"));
        Assert.Contains("not ASCII-compatible", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("IBM037", ex.Message, StringComparison.Ordinal); // the header's value is the agent's text: not echoed
        Assert.DoesNotContain(token, ex.Message, StringComparison.Ordinal);

        // Control: an ASCII-compatible declared encoding is scanned as read, and the token is found.
        var latin = Write("ISO-8859-1", Encoding.Latin1.GetBytes($"d\u00e9ploiement\n\ntoken {token}\n"));
        var f = Assert.Single((await ScanAsync($"{before}..{latin}")).Findings);
        Assert.Equal(("(commit message)", "github-pat-classic"), (f.File, f.Rule));
    }

    /// <summary>IBM037 (EBCDIC, US/Canada) bytes of ASCII letters, digits, space, LF, '_' and '.' (IBM code page 037 table).</summary>
    private static byte[] Ebcdic037(string text) => [.. text.Select(c => c switch
    {
        >= 'a' and <= 'i' => (byte)(0x81 + (c - 'a')),
        >= 'j' and <= 'r' => (byte)(0x91 + (c - 'j')),
        >= 's' and <= 'z' => (byte)(0xA2 + (c - 's')),
        >= 'A' and <= 'I' => (byte)(0xC1 + (c - 'A')),
        >= 'J' and <= 'R' => (byte)(0xD1 + (c - 'J')),
        >= 'S' and <= 'Z' => (byte)(0xE2 + (c - 'S')),
        >= '0' and <= '9' => (byte)(0xF0 + (c - '0')),
        ' ' => (byte)0x40,
        '\n' => (byte)0x25,
        '_' => (byte)0x6D,
        '.' => (byte)0x4B,
        _ => throw new ArgumentException($"no IBM037 byte for {c}"),
    })];

    [Fact]
    public async Task Commit_messages_and_annotated_tag_messages_are_scanned()
    {
        var before = Git(Repo, "rev-parse", "HEAD");
        var clean = Commit("a.txt", "clean\n", "a clean message");
        Assert.Empty((await ScanAsync($"{before}..{clean}")).Findings); // control: a clean commit has no finding

        File.WriteAllText(Path.Combine(Repo, "b.txt"), "still clean\n");
        Git(Repo, "add", "-A");
        Git(Repo, "commit", "-q", "-m", "deploy notes", "-m", "password: correct-horse-battery-staple-42");
        var leaky = Git(Repo, "rev-parse", "HEAD");
        var f = Assert.Single((await ScanAsync($"{clean}..{leaky}")).Findings);
        Assert.Equal(("(commit message)", "DEPLOY_PASSWORD", leaky), (f.File, f.Rule, f.Commit));

        Git(Repo, "tag", "-a", "v1", "-m", "release; token correct-horse-battery-staple-42", clean);
        var tag = Git(Repo, "rev-parse", "v1");
        var t = Assert.Single((await _scanner.ScanObjectsAsync(Path.Combine(Repo, ".git"), [tag], null, CancellationToken.None)).Findings);
        Assert.Equal("(tag message)", t.File);
    }

    [Theory]
    [InlineData("tree")]
    [InlineData("parent")]
    [InlineData("object")]
    public async Task A_message_line_that_starts_like_an_object_header_is_scanned(string word)
    {
        // Red team 8: the object-name header lines (tree, parent, object) are left out of the scan, and a message line
        // that merely starts with the same word was left out with them, so its secret reached the upstream unscanned.
        var before = Git(Repo, "rev-parse", "HEAD");
        File.WriteAllText(Path.Combine(Repo, word + ".txt"), "clean\n");
        Git(Repo, "add", "-A");
        Git(Repo, "commit", "-q", "-m", "notes", "-m", $"{word} correct-horse-battery-staple-42");
        var leaky = Git(Repo, "rev-parse", "HEAD");
        var f = Assert.Single((await ScanAsync($"{before}..{leaky}")).Findings);
        Assert.Equal(("(commit message)", "DEPLOY_PASSWORD", leaky), (f.File, f.Rule, f.Commit));

        Git(Repo, "tag", "-a", "t-" + word, "-m", "release", "-m", $"{word} correct-horse-battery-staple-42", leaky);
        var tag = Git(Repo, "rev-parse", "t-" + word);
        var t = Assert.Single((await _scanner.ScanObjectsAsync(Path.Combine(Repo, ".git"), [tag], null, CancellationToken.None)).Findings);
        Assert.Equal(("(tag message)", "DEPLOY_PASSWORD"), (t.File, t.Rule));

        // Control: the real header lines (object names) give no finding.
        Assert.Empty((await _scanner.ScanObjectsAsync(Path.Combine(Repo, ".git"), [before], null, CancellationToken.None)).Findings);
    }

    [Fact]
    public async Task What_a_merge_commit_itself_introduces_is_scanned_and_what_it_takes_from_a_parent_is_not_rescanned()
    {
        var basis = Git(Repo, "rev-parse", "HEAD");
        Git(Repo, "checkout", "-q", "-b", "side");
        Commit("side.txt", "side work\n", "side");
        Git(Repo, "checkout", "-q", "main");
        Commit("main.txt", "main work\n", "main");

        // A clean merge: nothing new in it (control).
        Git(Repo, "merge", "-q", "--no-edit", "side");
        var cleanMerge = Git(Repo, "rev-parse", "HEAD");
        Assert.DoesNotContain((await ScanAsync($"{basis}..{cleanMerge}")).Findings, x => x.Commit == cleanMerge);

        // An evil merge: the merge commit adds a line in no parent.
        Git(Repo, "checkout", "-q", "-b", "other", basis);
        Commit("other.txt", "other work\n", "other");
        Git(Repo, "checkout", "-q", "main");
        Git(Repo, "merge", "-q", "--no-commit", "other");
        File.AppendAllText(Path.Combine(Repo, "main.txt"), "DEPLOY_PASSWORD=correct-horse-battery-staple-42\n");
        Git(Repo, "add", "-A");
        Git(Repo, "commit", "-q", "--no-edit");
        var evil = Git(Repo, "rev-parse", "HEAD");
        var f = Assert.Single((await ScanAsync($"{cleanMerge}..{evil}")).Findings, x => x.Commit == evil);
        Assert.Equal(("main.txt", "DEPLOY_PASSWORD"), (f.File, f.Rule));
    }
}
