using System.Text;

namespace BotBottle.Tests;

/// <summary>
/// The option grammar of a real backend CLI (<c>smolvm</c>, Apple <c>container</c>) as read from its upstream source
/// (<c>tests/fixtures/backend-clis/&lt;tool&gt;/grammar.txt</c>, which cites the files and tag). Every fake of
/// those tools checks its argument vector against it first and refuses what the real parser refuses, with the real
/// parser's exit code and first error line: clap (smolvm) exits 2 with <c>error: unexpected argument '-u' found</c>;
/// Swift ArgumentParser (container) exits 64 with <c>Error: Unknown option '--foo'</c>. So a fake that accepts an
/// option the tool does not have cannot exist. Not modelled: grouped short flags (<c>-it</c>), attached short values
/// (<c>-uroot</c>) and missing required positionals — BotBottle issues none of them.
/// </summary>
internal sealed class CliGrammar
{
    private readonly List<Command> _commands = [];

    private CliGrammar(string tool, bool clap)
    {
        Tool = tool;
        IsClap = clap;
    }

    /// <summary>The tool (<c>smolvm</c>, <c>container</c>).</summary>
    public string Tool { get; }

    /// <summary>clap rules (exit 2, <c>error: …</c>) rather than Swift ArgumentParser's (exit 64, <c>Error: …</c>).</summary>
    public bool IsClap { get; }

    /// <summary>Exit code of a usage error: 2 (clap <c>USAGE_CODE</c>) or 64 (ArgumentParser <c>EX_USAGE</c>).</summary>
    public int UsageExitCode => IsClap ? 2 : 64;

    /// <summary>The folder of the recorded upstream facts (grammar, outputs).</summary>
    public static string FixtureDirectory(string tool) => Path.Combine(RepoPaths.Root, "tests", "fixtures", "backend-clis", tool);

    /// <summary>Loads <c>tests/fixtures/backend-clis/<paramref name="tool"/>/grammar.txt</c>.</summary>
    public static CliGrammar Load(string tool)
    {
        var path = Path.Combine(FixtureDirectory(tool), "grammar.txt");
        CliGrammar? g = null;
        Command? current = null;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("style ", StringComparison.Ordinal))
            {
                g = new CliGrammar(tool, line[6..] == "clap");
                continue;
            }

            if (g is null)
            {
                throw new InvalidDataException($"{path}: 'style' must come first.");
            }

            if (line[0] == '[')
            {
                current = new Command(line.Trim('[', ']').Split(' ', StringSplitOptions.RemoveEmptyEntries));
                g._commands.Add(current);
                continue;
            }

            var (key, rest) = line.IndexOf(' ', StringComparison.Ordinal) is var i and > 0 ? (line[..i], line[(i + 1)..]) : (line, string.Empty);
            var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (key)
            {
                case "usage": current!.Usage = rest; break;
                case "positionals": current!.Positionals = int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture); break;
                case "trailing": current!.Trailing = rest; break;
                case "values": current!.Values.UnionWith(words); break;
                case "flags": current!.Flags.UnionWith(words); break;
                case "choices":
                    foreach (var w in words)
                    {
                        current!.Choices[w[..w.IndexOf('=', StringComparison.Ordinal)]] = w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..].Split(',');
                    }

                    break;
                case "refuse":
                    current!.Refusals.Add((words[0][..words[0].IndexOf('=', StringComparison.Ordinal)], words[0][(words[0].IndexOf('=', StringComparison.Ordinal) + 1)..], words[1],
                        int.Parse(words[2], System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(FixtureDirectory(tool), words[3]))));
                    break;
                default: throw new InvalidDataException($"{path}: unknown key '{key}'.");
            }
        }

        return g ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>
    /// What the real tool's parser says about <paramref name="argv"/>: null when it parses, else the exit code and
    /// the stderr text (first line exactly as the parser prints it). <c>--version</c> alone always parses.
    /// </summary>
    public (int Exit, string Stderr)? Check(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 1 && argv[0] == "--version")
        {
            return null;
        }

        var cmd = _commands.Where(c => c.Path.Length <= argv.Count && c.Path.SequenceEqual(argv.Take(c.Path.Length))).MaxBy(c => c.Path.Length);
        if (cmd is null)
        {
            var word = argv.Count > 0 ? argv[0] : string.Empty;
            return IsClap
                ? (2, $"error: unrecognized subcommand '{word}'\n\nUsage: {Tool} [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n")
                : (64, $"Error: Unknown option '{word}'\n");
        }

        var seen = 0;
        var given = new List<(string Name, string Value)>();
        (int, string)? Refused()
        {
            foreach (var (option, value, other, exit, stderr) in cmd.Refusals)
            {
                if (given.Contains((option, value)) && given.Any(g => g.Name == other))
                {
                    return (exit, stderr);
                }
            }

            return null;
        }

        for (var i = cmd.Path.Length; i < argv.Count; i++)
        {
            var a = argv[i];
            if (a == "--")
            {
                return Refused();
            }

            if (a.Length > 1 && a[0] == '-')
            {
                var eq = a.StartsWith("--", StringComparison.Ordinal) ? a.IndexOf('=', StringComparison.Ordinal) : -1;
                var name = eq > 0 ? a[..eq] : a;
                if (cmd.Values.Contains(name))
                {
                    string value;
                    if (eq > 0)
                    {
                        value = a[(eq + 1)..];
                    }
                    else if (i + 1 < argv.Count)
                    {
                        value = argv[++i];
                    }
                    else
                    {
                        return Missing(cmd, name);
                    }

                    if (cmd.Choices.TryGetValue(name, out var allowed) && !allowed.Contains(value))
                    {
                        return BadChoice(cmd, name, value, allowed);
                    }

                    given.Add((name, value));
                    continue;
                }

                if (cmd.Flags.Contains(name) && eq < 0)
                {
                    continue;
                }

                return Unexpected(cmd, a, option: true);
            }

            seen++;
            if (seen > cmd.Positionals)
            {
                if (cmd.Trailing == "yes")
                {
                    return Refused();
                }

                return Unexpected(cmd, a, option: false);
            }
        }

        return Refused();
    }

    /// <summary>A POSIX <c>sh</c> fragment that performs <see cref="Check"/> on <c>"$@"</c> and exits as the real parser would; falls through when the arguments parse.</summary>
    public string ShellCheck()
    {
        var sb = new StringBuilder();
        sb.Append("U=''; V=' '; F=' '; P=0; T=no; C=' '; R=''; G=' '\n");
        sb.Append(IsClap
            ? """
              unexpected() { printf "error: unexpected argument '%s' found\n\nUsage: %s\n\nFor more information, try '--help'.\n" "$1" "$U" >&2; exit 2; }
              unexpectedpos() { unexpected "$1"; }
              vn() { printf '%s' "${1#--}" | tr 'a-z-' 'A-Z_'; }
              missing() { printf "error: a value is required for '%s <%s>' but none was supplied\n\nFor more information, try '--help'.\n" "$1" "$(vn "$1")" >&2; exit 2; }
              badchoice() { printf "error: invalid value '%s' for '%s <%s>'\n  [possible values: %s]\n\nFor more information, try '--help'.\n" "$2" "$1" "$(vn "$1")" "$3" >&2; exit 2; }
              unknowncmd() { printf "error: unrecognized subcommand '%s'\n\nUsage: %s [OPTIONS] <COMMAND>\n\nFor more information, try '--help'.\n" "$1" "$TOOL" >&2; exit 2; }

              """
            : """
              unexpected() { printf "Error: Unknown option '%s'\nUsage: %s\n  See '%s --help' for more information.\n" "$1" "$U" "$CMD" >&2; exit 64; }
              unexpectedpos() { printf "Error: Unexpected argument '%s'\nUsage: %s\n  See '%s --help' for more information.\n" "$1" "$U" "$CMD" >&2; exit 64; }
              missing() { printf "Error: Missing value for '%s <%s>'\nUsage: %s\n  See '%s --help' for more information.\n" "$1" "${1#--}" "$U" "$CMD" >&2; exit 64; }
              badchoice() { printf "Error: The value '%s' is invalid for '%s <%s>'\nUsage: %s\n  See '%s --help' for more information.\n" "$2" "$1" "${1#--}" "$U" "$CMD" >&2; exit 64; }
              unknowncmd() { printf "Error: Unknown option '%s'\n" "$1" >&2; exit 64; }

              """);
        sb.Append("TOOL=").Append(Quote(Tool)).Append('\n');
        sb.Append("if [ \"$#\" -eq 1 ] && [ \"$1\" = --version ]; then :; else\n");
        sb.Append("case \" $* \" in\n");
        foreach (var c in _commands.OrderByDescending(c => c.Path.Length))
        {
            var path = string.Join(' ', c.Path);
            sb.Append("  ").Append(Quote($" {path} ")).Append("*)\n");
            sb.Append("    shift ").Append(c.Path.Length).Append("; CMD=").Append(Quote($"{Tool} {path}"))
                .Append("; U=").Append(Quote(c.Usage))
                .Append("; V=").Append(Quote($" {string.Join(' ', c.Values)} "))
                .Append("; F=").Append(Quote($" {string.Join(' ', c.Flags)} "))
                .Append("; P=").Append(c.Positionals).Append("; T=").Append(c.Trailing)
                .Append("; C=").Append(Quote(" " + string.Concat(c.Choices.Select(kv => $"{kv.Key}={string.Join(',', kv.Value)} "))))
                .Append("; R=").Append(Quote(string.Concat(c.Refusals.Select((r, i) => $"{r.Option}={r.Value} {r.Other} {r.Exit} {i}\n")))).Append(';');
            for (var i = 0; i < c.Refusals.Count; i++)
            {
                sb.Append(" R").Append(i).Append('=').Append(Quote(c.Refusals[i].Stderr)).Append(';');
            }

            sb.Append(";\n");
        }

        sb.Append("  *) unknowncmd \"$1\";;\nesac\n");
        sb.Append("""
            seen=0
            while [ "$#" -gt 0 ]; do
              a=$1; shift
              case "$a" in
                --) break;;
                -?*)
                  n=$a; hv=0
                  case "$a" in --*=*) n=${a%%=*}; v=${a#*=}; hv=1;; esac
                  case "$V" in *" $n "*)
                    if [ $hv = 0 ]; then
                      [ "$#" -gt 0 ] || missing "$n"
                      v=$1; shift
                    fi
                    case "$C" in *" $n="*)
                      ok=${C#*" $n="}; ok=${ok%% *}
                      case ",$ok," in *",$v,"*) ;; *) badchoice "$n" "$v" "$(printf '%s' "$ok" | sed 's/,/, /g')";; esac;;
                    esac
                    G="$G$n=$v $n "
                    continue;;
                  esac
                  if [ $hv = 0 ]; then case "$F" in *" $n "*) continue;; esac; fi
                  unexpected "$a";;
                *)
                  seen=$((seen + 1))
                  if [ "$seen" -gt "$P" ]; then
                    [ "$T" = yes ] && break
                    unexpectedpos "$a"
                  fi;;
              esac
            done
            if [ -n "$R" ]; then
              printf '%s' "$R" | while read -r pair other code idx; do
                case "$G" in *" $pair "*) case "$G" in *" $other "*) exit $((idx + 1));; esac;; esac
              done
              hit=$?
              if [ "$hit" -gt 0 ]; then
                eval "msg=\$R$((hit - 1))"
                code=$(printf '%s' "$R" | sed -n "${hit}p" | cut -d' ' -f3)
                printf '%s' "$msg" >&2; exit "$code"
              fi
            fi
            fi

            """);
        return sb.ToString();
    }

    private (int, string) Unexpected(Command cmd, string arg, bool option) => IsClap
        ? (2, $"error: unexpected argument '{arg}' found\n\nUsage: {cmd.Usage}\n\nFor more information, try '--help'.\n")
        : (64, $"Error: {(option ? "Unknown option" : "Unexpected argument")} '{arg}'\nUsage: {cmd.Usage}\n  See '{Tool} {string.Join(' ', cmd.Path)} --help' for more information.\n");

    private (int, string) Missing(Command cmd, string name) => IsClap
        ? (2, $"error: a value is required for '{name} <{ValueName(name)}>' but none was supplied\n\nFor more information, try '--help'.\n")
        : (64, $"Error: Missing value for '{name} <{ValueName(name)}>'\nUsage: {cmd.Usage}\n  See '{Tool} {string.Join(' ', cmd.Path)} --help' for more information.\n");

    private (int, string) BadChoice(Command cmd, string name, string value, string[] allowed) => IsClap
        ? (2, $"error: invalid value '{value}' for '{name} <{ValueName(name)}>'\n  [possible values: {string.Join(", ", allowed)}]\n\nFor more information, try '--help'.\n")
        : (64, $"Error: The value '{value}' is invalid for '{name} <{ValueName(name)}>'\nUsage: {cmd.Usage}\n  See '{Tool} {string.Join(' ', cmd.Path)} --help' for more information.\n");

    /// <summary>The value placeholder the parser prints for an option whose value_name is not set: clap upper-cases the field name (<c>NET_BACKEND</c>), ArgumentParser uses the property name (<c>format</c>).</summary>
    private string ValueName(string option)
    {
        var bare = option.TrimStart('-');
        return IsClap ? bare.Replace('-', '_').ToUpperInvariant() : bare;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed class Command(string[] path)
    {
        public string[] Path { get; } = path;

        public string Usage { get; set; } = string.Empty;

        public int Positionals { get; set; }

        public string Trailing { get; set; } = "no";

        public HashSet<string> Values { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string[]> Choices { get; } = new(StringComparer.Ordinal);

        /// <summary>Combinations that parse but are refused: OPTION given VALUE together with OTHER → exit code and stderr.</summary>
        public List<(string Option, string Value, string Other, int Exit, string Stderr)> Refusals { get; } = [];
    }
}
