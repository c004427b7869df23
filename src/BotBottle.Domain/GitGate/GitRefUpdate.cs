using System.Text.RegularExpressions;

namespace BotBottle.GitGate;

/// <summary>
/// One line of a <c>pre-receive</c> hook's standard input (githooks(5)): <c>&lt;old-value&gt; SP &lt;new-value&gt; SP
/// &lt;ref-name&gt;</c>. An all-zero old value means the push creates the ref; an all-zero new value means it deletes it.
/// </summary>
/// <param name="OldId">Object name the ref had (40 or 64 hex digits; all zeros when created).</param>
/// <param name="NewId">Object name the push sets (all zeros when deleted).</param>
/// <param name="RefName">Full ref name, e.g. <c>refs/heads/main</c>.</param>
public sealed partial record GitRefUpdate(string OldId, string NewId, string RefName)
{
    /// <summary>The push creates the ref.</summary>
    public bool IsCreate => IsZero(OldId);

    /// <summary>The push deletes the ref.</summary>
    public bool IsDelete => IsZero(NewId);

    /// <summary>
    /// The <c>git rev-list</c>/<c>git log</c> arguments selecting exactly the commits this update introduces: for a new
    /// ref <c>&lt;new&gt; --not --all</c> (commits not reachable from any ref the mirror already has, i.e. not already
    /// upstream); for an update <c>&lt;old&gt;..&lt;new&gt;</c>; for a delete nothing (no commits, no scan).
    /// </summary>
    public IReadOnlyList<string> RevisionArguments =>
        IsDelete ? [] : IsCreate ? [NewId, "--not", "--all"] : [$"{OldId}..{NewId}"];

    /// <summary>Parses one hook input line.</summary>
    /// <param name="line">The line, without its line feed.</param>
    /// <returns>The update.</returns>
    /// <exception cref="FormatException">The line is not <c>&lt;hex&gt; &lt;hex&gt; refs/…</c>.</exception>
    public static GitRefUpdate Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var m = Line().Match(line);
        if (!m.Success)
        {
            throw new FormatException($"Not a pre-receive input line ('<old> <new> <ref>'): '{(line.Length > 200 ? line[..200] + "…" : line)}'.");
        }

        return new GitRefUpdate(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
    }

    /// <summary><c>ref old..new</c> with abbreviated ids (or <c>(new)</c> / <c>(deleted)</c>).</summary>
    public override string ToString() =>
        IsDelete ? $"{RefName} {Short(OldId)}→(deleted)" : IsCreate ? $"{RefName} (new)→{Short(NewId)}" : $"{RefName} {Short(OldId)}→{Short(NewId)}";

    private static string Short(string id) => id.Length > 12 ? id[..12] : id;

    private static bool IsZero(string id) => id.AsSpan().IndexOfAnyExcept('0') < 0;

    [GeneratedRegex(@"^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs/\S+)$", RegexOptions.CultureInvariant)]
    private static partial Regex Line();
}
