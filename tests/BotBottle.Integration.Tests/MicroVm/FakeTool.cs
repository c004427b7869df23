using System.Text;

namespace BotBottle.Tests.MicroVm;

/// <summary>
/// A fake backend CLI (<c>smolvm</c>, <c>container</c>) as a real shell script on disk: every run appends its
/// argument vector to <see cref="LogPath"/> (arguments separated by U+001F, one run per line), is checked against
/// the real tool's option grammar (<see cref="CliGrammar"/>, from the upstream source; refused exactly as the real
/// parser refuses, exit code and message), and is then answered from scripted rules matched on <c>"$*"</c> (glob
/// prefixes), so drivers are tested against real processes that cannot accept an option the tool lacks.
/// A run that carries environment options (<c>container run|exec</c>, <c>smolvm machine create|exec</c>) also records
/// the environment the guest would get (<see cref="GuestEnvironment"/>), resolved as the real tools resolve it:
/// <c>K=V</c> as given, a bare <c>NAME</c> copied from the tool's own environment and dropped when unset there
/// (apple/container 1.2.2 <c>Sources/Services/ContainerAPIService/Client/Parser.swift</c> <c>Parser.env(envList:)</c>
/// line 227; smol-machines/smolvm v1.9.3 <c>src/util.rs</c> <c>parse_env_spec</c> line 81). Options after <c>--</c>
/// are the workload's and are not read; the <c>--env=X</c> spelling is not modelled (BotBottle does not issue it).
/// </summary>
internal sealed class FakeTool : IDisposable
{
    private readonly TempDirectory _dir = new("bbfaketool");
    private readonly List<(string Glob, int Exit, string Stdout, string Stderr, string? Touch)> _rules = [];

    /// <summary>Creates the fake of <paramref name="name"/> (<c>smolvm</c> or <c>container</c>: a grammar must exist for it).</summary>
    public FakeTool(string name)
    {
        Name = name;
        Grammar = CliGrammar.Load(name);
        Write();
    }

    /// <summary>The real tool's option grammar every run is checked against.</summary>
    public CliGrammar Grammar { get; }

    public string Name { get; }

    public string Directory => _dir.Path;

    public string ToolPath => _dir.Combine(Name);

    public string LogPath => _dir.Combine("calls.log");

    /// <summary>Answers runs whose space-joined arguments start with <paramref name="prefix"/>; earlier rules win. <paramref name="touch"/>: a file the run creates.</summary>
    public FakeTool On(string prefix, int exit = 0, string stdout = "", string stderr = "", string? touch = null)
    {
        _rules.Add((prefix, exit, stdout, stderr, touch));
        Write();
        return this;
    }

    /// <summary>Every recorded run as its argument vector.</summary>
    public IReadOnlyList<string[]> Calls =>
        File.Exists(LogPath) ? [.. File.ReadAllLines(LogPath).Select(l => l.Split('\u001f'))] : [];

    /// <summary>
    /// The environment entries (<c>NAME=value</c>, in option order) the real tool would hand the guest for recorded run
    /// <paramref name="call"/> (0-based index into <see cref="Calls"/>); empty when that run had no <c>-e</c>.
    /// </summary>
    public IReadOnlyList<string> GuestEnvironment(int call)
    {
        var path = LogPath + ".env." + (call + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Entries end with NUL; an inherited one is "NAME=" + printenv's output (value + '\n') + U+001E.
        return File.Exists(path)
            ? [.. File.ReadAllText(path).Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(e => e.EndsWith("\n\u001e", StringComparison.Ordinal) ? e[..^2] : e)]
            : [];
    }

    /// <summary>Every recorded run, arguments joined with single spaces.</summary>
    public IReadOnlyList<string> Lines => [.. Calls.Select(c => string.Join(' ', c))];

    public void Dispose() => _dir.Dispose();

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private void Write()
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/sh\n");
        sb.Append($"log={Quote(LogPath)}\n");
        sb.Append("first=1\nfor a in \"$@\"; do if [ $first = 1 ]; then printf '%s' \"$a\" >> \"$log\"; first=0; else printf '\\037%s' \"$a\" >> \"$log\"; fi; done\nprintf '\\n' >> \"$log\"\n");
        sb.Append("all=\"$*\"\n");
        sb.Append("""
            # Resolved before the grammar check consumes "$@"; kept only when the run parses.
            case "$1 $2" in run\ *|exec\ *|machine\ create|machine\ exec)
              ef="$log.env.$(wc -l < "$log" | tr -d ' ')"; pending="$ef.pending"; want=0
              for a in "$@"; do
                [ "$a" = -- ] && break
                if [ $want = 1 ]; then
                  want=0
                  case "$a" in
                    *=*) printf '%s\0' "$a" >> "$pending";;
                    *) if printenv "$a" > /dev/null; then { printf '%s=' "$a"; printenv "$a"; printf '\036\0'; } >> "$pending"; fi;;
                  esac
                  continue
                fi
                case "$a" in -e|--env) want=1;; esac
              done;;
            esac

            """);
        sb.Append(Grammar.ShellCheck());
        sb.Append("[ -n \"${pending:-}\" ] && [ -e \"$pending\" ] && mv \"$pending\" \"$ef\"\n");
        sb.Append("case \"$all\" in\n");
        foreach (var (glob, exit, stdout, stderr, touch) in _rules)
        {
            sb.Append("  ").Append(Quote(glob)).Append("*)\n");
            if (touch is not null)
            {
                sb.Append("    : > ").Append(Quote(touch)).Append('\n');
            }

            if (stdout.Length > 0)
            {
                sb.Append("    printf '%s\\n' ").Append(Quote(stdout)).Append('\n');
            }

            if (stderr.Length > 0)
            {
                sb.Append("    printf '%s\\n' ").Append(Quote(stderr)).Append(" >&2\n");
            }

            sb.Append("    exit ").Append(exit).Append(";;\n");
        }

        sb.Append("esac\nexit 0\n");
        File.WriteAllText(ToolPath, sb.ToString());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ToolPath, (UnixFileMode)0b111_101_101);
        }
    }
}

/// <summary>Reads the recorded upstream outputs in <c>tests/fixtures/backend-clis/&lt;tool&gt;/</c> (sources in its README).</summary>
internal static class FakeFixtures
{
    public static string Read(string tool, string name) => File.ReadAllText(Path.Combine(CliGrammar.FixtureDirectory(tool), name));
}
