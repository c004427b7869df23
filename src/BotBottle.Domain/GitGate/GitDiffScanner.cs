using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BotBottle.Dlp;
using CliWrap;

namespace BotBottle.GitGate;

/// <summary>One secret found in the lines a push adds.</summary>
/// <param name="Commit">The commit that adds the line (full object name).</param>
/// <param name="File">Path of the file in that commit (as git prints it, unquoted).</param>
/// <param name="Line">1-based line number in the commit's version of the file.</param>
/// <param name="Detector"><see cref="DlpFinding.TokenPatternsDetector"/> or <see cref="DlpFinding.KnownSecretsDetector"/>.</param>
/// <param name="Rule">Rule id (token rule id, or the known secret's name).</param>
/// <param name="Excerpt">What was found with the value redacted (<see cref="DlpFinding.Subject"/>); never the secret.</param>
/// <param name="Fingerprint">Lower-case hex SHA-256 of rule id, NUL and the matched text (as <see cref="DlpFingerprint"/>), so an approval can name the value without storing it.</param>
/// <param name="InlineAllowed">The line carries the inline allow marker <see cref="GitDiffScanner.AllowMarker"/>: the finding is suppressed, but only a human's approval (a <c>gitleaks-allow</c> proposal) lets it through.</param>
public sealed record GitScanFinding(string Commit, string File, int Line, string Detector, string Rule, string Excerpt, string Fingerprint, bool InlineAllowed)
{
    /// <summary><c>file:line rule excerpt (commit abc123456789)</c>.</summary>
    public override string ToString() => $"{File}:{Line} {Rule} {Excerpt} (commit {(Commit.Length > 12 ? Commit[..12] : Commit)}){(InlineAllowed ? " [gitleaks:allow]" : string.Empty)}";
}

/// <summary>The outcome of scanning a range of commits.</summary>
/// <param name="Findings">Every finding, in commit order (as <c>git log</c> lists them), then file and line order.</param>
/// <param name="Commits">Full object names of the commits the range held (merges included, though their own patch is empty).</param>
/// <param name="PatchBytes">Bytes of patch text read from <c>git log -p</c>.</param>
/// <param name="ScannedChars">UTF-16 code units of added lines given to the DLP engine.</param>
public sealed record GitScanResult(IReadOnlyList<GitScanFinding> Findings, IReadOnlyList<string> Commits, long PatchBytes, long ScannedChars)
{
    /// <summary>No commits, no findings.</summary>
    public static GitScanResult Empty { get; } = new([], [], 0, 0);
}

/// <summary>
/// The git gate's built-in secret scan (PRODUCT.md §6.3): reads the zero-context patch of a commit range
/// (<c>git log -p -U0 --text</c>, so binary files are scanned as text too) and runs the same <see cref="DlpEngine"/> the
/// egress proxy runs over the lines each commit <em>adds</em>, one block per file per commit, so a multi-line secret (a
/// PEM private key) is still one match. Removed lines are not scanned. A merge commit is read as a dense combined diff
/// (<c>--cc</c>): the lines it adds that are in none of its parents are scanned; lines it takes from a parent were scanned
/// with that parent (or are upstream already). Every commit's own text (message, author, committer) is scanned too
/// (<see cref="ScanObjectsAsync"/>), and so are annotated tags.
/// A line carrying <see cref="AllowMarker"/> (gitleaks' inline allow comment) does not reject the push by itself:
/// its finding is marked <see cref="GitScanFinding.InlineAllowed"/> so the gate asks a human.
/// Parsing follows the unified diff format of <c>git diff</c> (git-diff(1), "combined diff format" not used): hunk
/// headers <c>@@ -a,b +c,d @@</c> give the counts, so content lines that look like headers are never misread.
/// </summary>
public sealed class GitDiffScanner
{
    /// <summary>The inline allow marker, as gitleaks spells it: <c>gitleaks:allow</c>.</summary>
    public const string AllowMarker = "gitleaks:allow";

    /// <summary>
    /// <see cref="GitScanFinding.File"/> of a finding in the path of a file a commit creates: a path is pushed as much as
    /// the file's lines are (an empty file named <c>keys/ghp_…/x</c> has no line to scan).
    /// </summary>
    public const string FileNameLocation = "(file name)";

    /// <summary><see cref="GitScanFinding.File"/> of a finding in the name of a ref a push creates (<c>refs/heads/ghp_…</c>).</summary>
    public const string RefNameLocation = "(ref name)";

    private readonly DlpEngine _engine;
    private readonly DlpDetectors _detectors;

    /// <summary>Creates a scanner over <paramref name="engine"/>.</summary>
    /// <param name="engine">The DLP engine (built-in rules plus the bottle's known secrets).</param>
    /// <param name="detectors">Detectors to run (default both).</param>
    public GitDiffScanner(DlpEngine engine, DlpDetectors detectors = DlpDetectors.All)
    {
        _engine = engine ?? throw new ArgumentNullException(nameof(engine));
        _detectors = detectors;
    }

    /// <summary>
    /// The <c>git</c> arguments that print the patch this scanner reads for <paramref name="revisions"/>:
    /// <c>--no-replace-objects -c core.quotePath=false log --no-color --no-ext-diff --no-textconv --no-renames --text -U0 --cc --format=commit %H &lt;revisions&gt;</c>.
    /// <c>--cc</c> (git-log(1), "combined diff format") shows for a merge commit the lines that differ from every parent:
    /// exactly what the merge itself introduces (an "evil merge"), which a plain <c>git log -p</c> never shows.
    /// <c>--no-replace-objects</c> (git(1)): a <c>refs/replace/&lt;X&gt;</c> ref in the repository would otherwise make
    /// git show another commit's patch in place of X's, while a push of X carries X (red team 9).
    /// </summary>
    /// <param name="revisions">Revision arguments, e.g. from <see cref="GitRefUpdate.RevisionArguments"/>.</param>
    /// <returns>The argument vector (without the executable).</returns>
    public static IReadOnlyList<string> LogArguments(IReadOnlyList<string> revisions)
    {
        ArgumentNullException.ThrowIfNull(revisions);
        return ["--no-replace-objects", "-c", "core.quotePath=false", "log", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--text", "-U0", "--cc", "--format=commit %H", .. revisions];
    }

    /// <summary>
    /// Runs <c>git --git-dir=&lt;gitDirectory&gt;</c> with <see cref="LogArguments"/> and scans its output as it streams.
    /// </summary>
    /// <param name="gitDirectory">The repository (a bare repository is fine).</param>
    /// <param name="revisions">Revision arguments selecting the commits.</param>
    /// <param name="environment">Variables to set (null value: remove) for git, on top of this process's environment (in a pre-receive hook that environment carries the quarantine variables git set, so the pushed objects are visible).</param>
    /// <param name="cancellationToken">Cancels the scan (git is killed).</param>
    /// <returns>The findings and figures.</returns>
    /// <exception cref="InvalidOperationException"><c>git</c> failed (message carries its exit code and standard error).</exception>
    public async Task<GitScanResult> ScanAsync(string gitDirectory, IReadOnlyList<string> revisions, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(gitDirectory);
        ArgumentNullException.ThrowIfNull(revisions);
        if (revisions.Count == 0)
        {
            return GitScanResult.Empty;
        }

        GitScanResult? result = null;
        await ReadGitAsync(gitDirectory, LogArguments(revisions), environment, "git log", stdout =>
        {
            var counting = new CountingStream(stdout);
            using var reader = new StreamReader(counting, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            result = Scan(reader, () => counting.Count);
        }, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            throw new InvalidOperationException("git log gave no output to scan");
        }

        // The commits' own text (messages, author and committer names) is pushed too.
        var messages = await ScanObjectsAsync(gitDirectory, result.Commits, environment, cancellationToken).ConfigureAwait(false);

        // Empty directories: their names go upstream with no file under them for the patch to show.
        var empty = await ScanEmptyTreesAsync(gitDirectory, revisions, environment, cancellationToken).ConfigureAwait(false);
        return result with
        {
            Findings = [.. result.Findings, .. messages.Findings, .. empty.Findings],
            ScannedChars = result.ScannedChars + messages.ScannedChars + empty.ScannedChars,
        };
    }

    /// <summary>The longest line of <c>git log -p</c> output the scan reads: 8 Mi characters (16 MiB as a string); a longer one fails the scan, which refuses the push.</summary>
    internal const int MaxLineChars = 8 * 1024 * 1024;

    /// <summary>The added text of one file held for one scan: 16 Mi characters; a file with more is scanned in blocks of this size.</summary>
    internal const long MaxBlockChars = 16L * 1024 * 1024;

    /// <summary>The lines a block keeps from the one before it (a PEM key is under 60 lines).</summary>
    internal const int BlockOverlapLines = 64;

    /// <summary>The empty tree's object name in SHA-1 and in SHA-256 repositories (the hash of a zero-length tree object; gitformat-index / git hash-object -t tree /dev/null).</summary>
    private static readonly string[] EmptyTreeNames =
    [
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321",
    ];

    /// <summary>
    /// Scans the paths of empty directories the commits add, as file names (<see cref="FileNameLocation"/>). A tree
    /// entry that names the empty tree (<c>git mktree</c> writes one; git's index never does) has no file below it, so
    /// <c>git log -p</c> prints nothing for it, and a token used as its name went upstream unscanned (red team 11). Read
    /// with <c>git log --raw -t -r --cc --no-abbrev</c> (git-diff(1) "RAW OUTPUT FORMAT": <c>:&lt;modes&gt; &lt;names&gt;
    /// &lt;status&gt;TAB&lt;path&gt;</c>, one more colon, mode and name per parent of a merge); an entry whose new mode is
    /// <c>040000</c>, whose new object is the empty tree and whose status holds <c>A</c> is scanned by its whole path, so the
    /// names of the directories that hold only empty ones are read too. (<c>-p</c> cannot be given with <c>-t</c>: git
    /// then tries to show the tree as a blob and fails.)
    /// </summary>
    private async Task<GitScanResult> ScanEmptyTreesAsync(string gitDirectory, IReadOnlyList<string> revisions, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken)
    {
        var findings = new List<GitScanFinding>();
        long scanned = 0;
        await ReadGitAsync(gitDirectory, ["--no-replace-objects", "-c", "core.quotePath=false", "log", "--no-color", "--no-renames", "--raw", "-t", "-r", "--cc", "--no-abbrev", "--format=commit %H", .. revisions], environment, "git log --raw", stdout =>
        {
            using var reader = new StreamReader(stdout, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
            string commit = string.Empty;
            while (reader.ReadLine() is { } line)
            {
                if (line.StartsWith("commit ", StringComparison.Ordinal))
                {
                    commit = line[7..];
                }
                else if (EmptyTreePath(line) is { } path)
                {
                    ScanBlock(commit, FileNameLocation, [(0, path)], findings, ref scanned);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return new GitScanResult(findings, [], 0, scanned);
    }

    /// <summary>
    /// Runs <c>git --git-dir=&lt;gitDirectory&gt; &lt;arguments&gt;</c> and hands its standard output to
    /// <paramref name="read"/> as it arrives (on a pool thread: the read is synchronous, and standard error must keep
    /// draining meanwhile); cancellation kills git, which ends the read.
    /// </summary>
    /// <exception cref="InvalidOperationException">git exited with a non-zero code (the message names <paramref name="what"/>, the code and git's standard error), or <paramref name="read"/> threw it.</exception>
    private static async Task ReadGitAsync(string gitDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment, string what, Action<Stream> read, CancellationToken cancellationToken)
    {
        var stderr = new StringBuilder();
        var run = await Cli.Wrap("git")
            .WithArguments(["--git-dir=" + gitDirectory, .. arguments])
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .WithStandardOutputPipe(PipeTarget.Create((stdout, ct) => Task.Run(() => read(stdout), ct)))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {run.ExitCode}: {stderr.ToString().Trim()}");
        }
    }

    /// <summary>
    /// The path of a raw diff line (<c>:000000 040000 &lt;old&gt; &lt;new&gt; A\t&lt;path&gt;</c>, or a merge's
    /// <c>::</c> form) that adds an empty tree; <see langword="null"/> for any other line.
    /// </summary>
    internal static string? EmptyTreePath(string line)
    {
        int parents = line.AsSpan().IndexOfAnyExcept(':');
        int tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (parents < 1 || tab < 0)
        {
            return null;
        }

        // parents + 1 modes, parents + 1 object names, then the status letters (one per parent).
        var fields = line[parents..tab].Split(' ');
        if (fields.Length != (2 * (parents + 1)) + 1)
        {
            return null;
        }

        return fields[parents] == "040000" && EmptyTreeNames.Contains(fields[(2 * parents) + 1]) && fields[^1].Contains('A', StringComparison.Ordinal)
            ? line[(tab + 1)..]
            : null;
    }

    /// <summary>
    /// A <c>tree</c>, <c>parent</c> or <c>object</c> header line naming an object (40 or 64 lower-case hex digits, SHA-1 or
    /// SHA-256; gitformat-commit / git-cat-file(1)): object names, which carry nothing of the agent's to scan. Only lines
    /// of the header qualify; a message line starting with the same word is scanned like any other.
    /// </summary>
    private static bool IsObjectNameHeader(string line)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || line.AsSpan(0, space) is not ("tree" or "parent" or "object"))
        {
            return false;
        }

        var name = line.AsSpan(space + 1);
        return name.Length is 40 or 64 && !name.ContainsAnyExcept(LowerHex);
    }

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary>
    /// Whether a commit's <c>encoding</c> header (gitformat-commit; git-commit(1) "DISCUSSION": <c>i18n.commitEncoding</c>)
    /// names an encoding in which every ASCII character is its own single byte — UTF-8, US-ASCII, ISO-8859-n and the
    /// Windows-125n code pages — so scanning the raw message as UTF-8 sees what <c>git log</c> shows after re-encoding.
    /// In EBCDIC (IBM037), UTF-7, UTF-16 or UTF-32 a token's letters are other bytes that <c>git log</c> decodes back
    /// into the token (red team 9).
    /// </summary>
    internal static bool IsAsciiCompatibleEncoding(string name)
    {
        var n = name.Trim().ToUpperInvariant().Replace("_", "-", StringComparison.Ordinal);
        return n is "UTF-8" or "UTF8" or "US-ASCII" or "ASCII" or "ANSI-X3.4-1968"
            || (n.StartsWith("ISO-8859-", StringComparison.Ordinal) && n.Length > 9 && n.AsSpan(9).IndexOfAnyExceptInRange('0', '9') < 0)
            || (n.StartsWith("ISO8859-", StringComparison.Ordinal) && n.Length > 8 && n.AsSpan(8).IndexOfAnyExceptInRange('0', '9') < 0)
            || (n.StartsWith("LATIN", StringComparison.Ordinal) && n.Length > 5 && n.AsSpan(5).TrimStart('-').IndexOfAnyExceptInRange('0', '9') < 0 && n.AsSpan(5).TrimStart('-').Length > 0)
            || (n.Length == 12 && n.StartsWith("WINDOWS-125", StringComparison.Ordinal) && char.IsAsciiDigit(n[11]))
            || (n.Length == 6 && n.StartsWith("CP125", StringComparison.Ordinal) && char.IsAsciiDigit(n[5]));
    }

    /// <summary>
    /// Scans the text of whole objects — commits (message, author, committer, extra headers) and annotated tags
    /// (message, tagger) — read with <c>git --no-replace-objects cat-file --batch</c> (git-cat-file(1); byte-exact, so a NUL
    /// in a message hides nothing; the object named, never a replacement). The header's <c>tree</c>, <c>parent</c> and <c>object</c> lines (object names) are not scanned;
    /// message lines that start with those words are.
    /// Findings name the file as <c>(commit message)</c> or <c>(tag message)</c>, the line within the object.
    /// A commit whose <c>encoding</c> header names an encoding that is not ASCII-compatible (EBCDIC, UTF-7, UTF-16, …)
    /// cannot be scanned as read, so it fails the scan (<see cref="InvalidOperationException"/>), which refuses the push.
    /// </summary>
    /// <param name="gitDirectory">The repository.</param>
    /// <param name="objects">Object names of commits and tags.</param>
    /// <param name="environment">As for <see cref="ScanAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the scan.</param>
    /// <exception cref="InvalidOperationException"><c>git cat-file</c> failed, an object is missing, or a commit declares an encoding that is not ASCII-compatible.</exception>
    public async Task<GitScanResult> ScanObjectsAsync(string gitDirectory, IReadOnlyList<string> objects, IReadOnlyDictionary<string, string?>? environment, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(gitDirectory);
        ArgumentNullException.ThrowIfNull(objects);
        if (objects.Count == 0)
        {
            return GitScanResult.Empty;
        }

        var findings = new List<GitScanFinding>();
        long scanned = 0;
        var stderr = new StringBuilder();
        var run = await Cli.Wrap("git")
            .WithArguments(["--git-dir=" + gitDirectory, "--no-replace-objects", "cat-file", "--batch"])
            .WithEnvironmentVariables(environment ?? new Dictionary<string, string?>())
            .WithValidation(CommandResultValidation.None)
            .WithStandardInputPipe(PipeSource.FromString(string.Concat(objects.Select(id => id + "\n")), Encoding.UTF8))
            .WithStandardOutputPipe(PipeTarget.Create(async (output, ct) =>
            {
                foreach (var id in objects)
                {
                    var header = await ReadLineAsync(output, ct).ConfigureAwait(false);
                    var parts = header.Split(' ');
                    if (parts.Length != 3 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        throw new InvalidOperationException($"git cat-file could not read {id}: {header}");
                    }

                    var content = new byte[size + 1];
                    await output.ReadExactlyAsync(content, ct).ConfigureAwait(false);
                    var kind = parts[1];
                    var lines = Encoding.UTF8.GetString(content, 0, (int)size).Split('\n');
                    var block = new List<(int Line, string Text)>();
                    var inHeader = kind is "commit" or "tag"; // the header ends at the first empty line; the message follows
                    for (var i = 0; i < lines.Length; i++)
                    {
                        if (lines[i].Length == 0)
                        {
                            inHeader = false;
                        }
                        else if (inHeader && IsObjectNameHeader(lines[i]))
                        {
                            continue;
                        }
                        else if (inHeader && kind == "commit" && lines[i].StartsWith("encoding ", StringComparison.Ordinal) && !IsAsciiCompatibleEncoding(lines[i]["encoding ".Length..]))
                        {
                            // The header's value is the agent's text and is not echoed (it reaches the audit record), as a ref name that
                            // carries a finding is not.
                            throw new InvalidOperationException($"commit {id} declares an encoding (its 'encoding' header) that is not ASCII-compatible, so a token's letters need not be the bytes the scan reads while git log shows the message decoded; recommit with i18n.commitEncoding=UTF-8");
                        }

                        block.Add((i + 1, lines[i]));
                    }

                    ScanBlock(id, kind == "tag" ? "(tag message)" : "(commit message)", block, findings, ref scanned);
                }
            }))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"git cat-file exited with {run.ExitCode}: {stderr.ToString().Trim()}");
        }

        return new GitScanResult(findings, [], 0, scanned);
    }

    /// <summary>
    /// Scans one piece of text a push carries outside any commit's patch or object text, such as the name of a ref it
    /// creates, with the same rules and the same validated-findings-only policy as added lines.
    /// </summary>
    /// <param name="origin">What to name as the finding's <see cref="GitScanFinding.Commit"/> (e.g. the ref's new object name).</param>
    /// <param name="location">The finding's <see cref="GitScanFinding.File"/>, e.g. <see cref="RefNameLocation"/>.</param>
    /// <param name="text">The text.</param>
    /// <returns>The findings (line 1).</returns>
    public IReadOnlyList<GitScanFinding> ScanText(string origin, string location, string text)
    {
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(text);
        var findings = new List<GitScanFinding>();
        long scanned = 0;
        ScanBlock(origin, location, [(1, text)], findings, ref scanned);
        return findings;
    }

    private static async Task<string> ReadLineAsync(Stream s, CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await s.ReadAsync(one, ct).ConfigureAwait(false) == 0)
            {
                throw new InvalidOperationException("git cat-file ended early");
            }

            if (one[0] == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]);
            }

            bytes.Add(one[0]);
        }
    }

    /// <summary>Scans patch text in the format <see cref="LogArguments"/> prints.</summary>
    /// <param name="patch">The patch.</param>
    /// <returns>The findings and figures (<see cref="GitScanResult.PatchBytes"/> counts UTF-16 code units plus line feeds here).</returns>
    public GitScanResult Scan(TextReader patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return Scan(patch, null);
    }

    /// <summary>
    /// Reads the patch line by line, a line ending at a line feed only: git ends its lines with LF and passes a file's
    /// CR through as content, so a CR inside an added line must not end it (TextReader.ReadLine's CR rule made
    /// "+abc\rdef" two lines, the second without its '+', which ended the hunk and left every later added line of it
    /// unscanned: red team 8).
    /// </summary>
    private GitScanResult Scan(TextReader reader, Func<long>? bytesRead)
    {
        var state = new ParseState(this);
        var lines = new LfLineReader(reader);
        long chars = 0;
        string? line;
        while ((line = lines.ReadLine()) is not null)
        {
            chars += line.Length + 1;
            state.Feed(line);
        }

        state.FlushFile();
        return new GitScanResult(state.Findings, state.Commits, bytesRead?.Invoke() ?? chars, state.Scanned);
    }

    /// <summary>Scans the added lines of one file of one commit.</summary>
    private void ScanBlock(string commit, string file, List<(int Line, string Text)> added, List<GitScanFinding> into, ref long scanned)
    {
        if (added.Count == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        var starts = new int[added.Count];
        for (var i = 0; i < added.Count; i++)
        {
            starts[i] = sb.Length;
            sb.Append(added[i].Text).Append('\n');
        }

        var text = sb.ToString();
        scanned += text.Length;
        var findings = new List<DlpFinding>();
        _engine.Scan(text, new DlpLocation(DlpLocationKind.Body, file), _detectors, findings);
        if (findings.Count == 0)
        {
            return;
        }

        // Unvalidated findings (a checksum that fails, a documented example key) are not commit blockers: a commit may
        // carry documentation examples. Egress still reports them.
        foreach (var f in findings.Where(f => f.Validated).OrderBy(f => f.Start))
        {
            var first = LineIndex(starts, f.Start);
            var last = LineIndex(starts, Math.Max(f.Start, f.Start + f.Length - 1));
            var allowed = false;
            for (var i = first; i <= last && !allowed; i++)
            {
                allowed = added[i].Text.Contains(AllowMarker, StringComparison.Ordinal);
            }

            var start = Math.Clamp(f.Start, 0, text.Length);
            var matched = text.AsSpan(start, Math.Clamp(f.Length, 0, text.Length - start));
            into.Add(new GitScanFinding(commit, file, added[first].Line, f.Detector, f.RuleId, f.Subject.Length > 0 ? f.Subject : f.Message, Fingerprint(f.RuleId, matched), allowed));
        }
    }

    /// <summary>SHA-256 (hex) of rule id, NUL, matched text as UTF-8: the same shape as <see cref="DlpFingerprint"/>.</summary>
    internal static string Fingerprint(string ruleId, ReadOnlySpan<char> matched)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(ruleId + "\0"));
        sha.AppendData(Encoding.UTF8.GetBytes(matched.ToArray()));
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    private static int LineIndex(int[] starts, int offset)
    {
        var i = Array.BinarySearch(starts, offset);
        return i >= 0 ? i : Math.Max(0, ~i - 1);
    }

    /// <summary>Unquotes a path git printed C-style (<c>"a\"b\303\251"</c>); other paths are returned as they are.</summary>
    internal static string UnquotePath(string path)
    {
        if (path.Length < 2 || path[0] != '"' || path[^1] != '"')
        {
            return path;
        }

        var bytes = new List<byte>(path.Length);
        for (var i = 1; i < path.Length - 1; i++)
        {
            var c = path[i];
            if (c != '\\' || i + 1 >= path.Length - 1)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            var n = path[++i];
            switch (n)
            {
                case 'n': bytes.Add((byte)'\n'); break;
                case 't': bytes.Add((byte)'\t'); break;
                case 'r': bytes.Add((byte)'\r'); break;
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'v': bytes.Add(11); break;
                case >= '0' and <= '7' when i + 2 < path.Length - 1:
                    bytes.Add((byte)Convert.ToInt32(path.Substring(i, 3), 8));
                    i += 2;
                    break;
                default: bytes.AddRange(Encoding.UTF8.GetBytes(n.ToString())); break;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    /// <summary>The line-by-line patch parser.</summary>
    private sealed class ParseState(GitDiffScanner scanner)
    {
        private readonly List<(int Line, string Text)> _added = [];
        private long _addedChars;
        private string _commit = string.Empty;
        private string? _file;

        /// <summary>The rest of the last <c>diff --git</c>/<c>diff --cc</c> line (the file's path, as git printed it), until its hunks start.</summary>
        private string? _headerPath;
        private int _oldLeft;
        private int _newLeft;
        private int _nextLine;
        private int _columns = 1;
        private long _scanned;

        public List<GitScanFinding> Findings { get; } = [];

        public List<string> Commits { get; } = [];

        public long Scanned => _scanned;

        public void Feed(string line)
        {
            if (_columns > 1 && _newLeft > 0)
            {
                // A combined hunk of a merge (one prefix column per parent): a line with '-' in a column is not in
                // the result; a result line is new to the merge only when every column is '+'.
                if (line.Length >= _columns && line.AsSpan(0, _columns).IndexOfAnyExcept("+- ") < 0)
                {
                    var prefix = line.AsSpan(0, _columns);
                    if (prefix.Contains('-'))
                    {
                        return;
                    }

                    if (prefix.IndexOfAnyExcept('+') < 0)
                    {
                        Add(_nextLine, line[_columns..]);
                    }

                    _nextLine++;
                    _newLeft--;
                    return;
                }

                _newLeft = 0;
            }

            if (_oldLeft > 0 || _newLeft > 0)
            {
                // Inside a hunk: counts decide what a line is, whatever it looks like.
                if (line.Length > 0 && line[0] == '+')
                {
                    Add(_nextLine++, line[1..]);
                    _newLeft--;
                    return;
                }

                if (line.Length > 0 && line[0] == '-')
                {
                    _oldLeft--;
                    return;
                }

                if (line.Length > 0 && line[0] == '\\')
                {
                    return; // "\ No newline at end of file"
                }

                if (line.Length > 0 && line[0] == ' ')
                {
                    _oldLeft--;
                    _newLeft--;
                    _nextLine++;
                    return;
                }

                // Malformed counts; fall through and read it as a header line.
                _oldLeft = _newLeft = 0;
            }

            if (line.Length > 0 && line[0] == '\\')
            {
                return;
            }

            if (line.StartsWith("commit ", StringComparison.Ordinal) && line.Length >= 47 && line.IndexOf(' ', 7) < 0)
            {
                FlushFile();
                _commit = line[7..];
                Commits.Add(_commit);
                _file = null;
                return;
            }

            if (line.StartsWith("diff --git ", StringComparison.Ordinal) || line.StartsWith("diff --cc ", StringComparison.Ordinal) || line.StartsWith("diff --combined ", StringComparison.Ordinal))
            {
                FlushFile();
                _file = null;
                // "diff --git a/<p> b/<p>" (the same path twice, --no-renames; each half C-quoted alike): the b/ half.
                // "diff --cc <p>": the path once.
                var rest = line[(line.IndexOf(' ', 5) + 1)..];
                _headerPath = line.StartsWith("diff --git ", StringComparison.Ordinal) ? rest[((rest.Length + 1) / 2)..] : rest;
                return;
            }

            if (_headerPath is not null && line.StartsWith("new file mode ", StringComparison.Ordinal))
            {
                // A file this commit creates: its path goes upstream too, and an empty file has no line to carry it
                // (--no-renames, so a renamed file is a new one here). The path is scanned as git printed it
                // (C-quoted when it has control characters, which leaves a token's letters as they are); a path already upstream is not
                // rescanned unless a commit creates it again.
                List<(int, string)> header = [(0, _headerPath)];
                scanner.ScanBlock(_commit, FileNameLocation, header, Findings, ref _scanned);
                _headerPath = null;
                return;
            }

            if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var p = UnquotePath(line[4..]);
                _file = p == "/dev/null" ? null : p.StartsWith("b/", StringComparison.Ordinal) ? p[2..] : p;
                return;
            }

            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                _headerPath = null;
            }

            if (line.StartsWith("@@ ", StringComparison.Ordinal))
            {
                _columns = 1;
                ParseHunk(line);
            }
            else if (line.StartsWith("@@@", StringComparison.Ordinal))
            {
                ParseCombinedHunk(line);
            }
        }

        public void FlushFile()
        {
            if (_file is not null && _added.Count > 0)
            {
                scanner.ScanBlock(_commit, _file, _added, Findings, ref _scanned);
            }

            _added.Clear();
            _addedChars = 0;
        }

        /// <summary>
        /// Adds a line of the current file; past <see cref="MaxBlockChars"/> the lines so far are scanned and all but the
        /// last <see cref="BlockOverlapLines"/> dropped, so a file of any size is scanned in bounded memory (a pack that
        /// inflates to hundreds of megabytes of added text once made the gate's hook run out of memory: red team 11). The
        /// overlap keeps a secret written over several lines (a PEM key) whole in one block; the hook reports a finding
        /// met twice once.
        /// </summary>
        private void Add(int number, string text)
        {
            _added.Add((number, text));
            _addedChars += text.Length;
            if (_addedChars <= MaxBlockChars || _file is null)
            {
                return;
            }

            scanner.ScanBlock(_commit, _file, _added, Findings, ref _scanned);
            _added.RemoveRange(0, Math.Max(0, _added.Count - BlockOverlapLines));
            _addedChars = _added.Sum(a => (long)a.Text.Length);
        }

        /// <summary><c>@@ -a[,b] +c[,d] @@ …</c>: b old lines and d new lines follow; the first new line is c.</summary>
        private void ParseHunk(string line)
        {
            var end = line.IndexOf(" @@", 3, StringComparison.Ordinal);
            if (end < 0)
            {
                return;
            }

            var parts = line[3..end].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[0][0] != '-' || parts[1][0] != '+')
            {
                return;
            }

            (_, _oldLeft) = Range(parts[0][1..]);
            (_nextLine, _newLeft) = Range(parts[1][1..]);
        }

        /// <summary><c>@@@ -a,b -c,d +e,f @@@</c> (N+1 '@' for N parents): f result lines follow, the first is e.</summary>
        private void ParseCombinedHunk(string line)
        {
            var ats = line.AsSpan().IndexOfAnyExcept('@');
            if (ats < 3)
            {
                return;
            }

            var marker = new string('@', ats);
            var end = line.IndexOf(" " + marker, ats, StringComparison.Ordinal);
            if (end < 0)
            {
                return;
            }

            var parts = line[(ats + 1)..end].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != ats || parts[^1][0] != '+')
            {
                return;
            }

            _columns = ats - 1;
            _oldLeft = 0;
            (_nextLine, _newLeft) = Range(parts[^1][1..]);
        }

        private static (int Start, int Count) Range(string text)
        {
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            return comma < 0
                ? (int.Parse(text, CultureInfo.InvariantCulture), 1)
                : (int.Parse(text.AsSpan(0, comma), CultureInfo.InvariantCulture), int.Parse(text.AsSpan(comma + 1), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Counts the bytes read through it.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            Count += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Count += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Counts the characters of the lines read through it (plus one per line feed).</summary>
    /// <summary>Lines of a <see cref="TextReader"/> split at LF only (a CR before the LF is kept as content).</summary>
    private sealed class LfLineReader(TextReader inner)
    {
        private readonly char[] _buffer = new char[1 << 14];
        private readonly StringBuilder _line = new();
        private int _start;
        private int _end;

        public string? ReadLine()
        {
            _line.Clear();
            while (true)
            {
                if (_start == _end)
                {
                    _start = 0;
                    _end = inner.Read(_buffer, 0, _buffer.Length);
                    if (_end == 0)
                    {
                        return _line.Length > 0 ? _line.ToString() : null;
                    }
                }

                var span = _buffer.AsSpan(_start, _end - _start);
                int lf = span.IndexOf('\n');
                if (_line.Length + (lf >= 0 ? lf : span.Length) > MaxLineChars)
                {
                    // The agent's text is not echoed; the push is refused (the hook turns this into its refusal).
                    throw new InvalidOperationException($"a line of the push's changes is longer than the gate scans ({MaxLineChars / (1024 * 1024)} Mi characters); such a line cannot be checked for secrets, so the push is refused. Keep files of one huge line (generated or minified data) out of the commits, or split the line");
                }

                if (lf >= 0)
                {
                    _start += lf + 1;
                    if (_line.Length == 0)
                    {
                        return new string(span[..lf]);
                    }

                    _line.Append(span[..lf]);
                    return _line.ToString();
                }

                _line.Append(span);
                _start = _end;
            }
        }
    }
}
