using System.Collections;
using System.Globalization;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;

namespace BotBottle.Benchmarks;

/// <summary>
/// <c>dlp-same</c> mode: checks that two builds of the DLP engine report the same findings. <c>args[1]</c>,
/// <c>args[2]</c>: the two builds' bench output directories (each with its own <c>BotBottle.Domain</c>, loaded into its
/// own <see cref="AssemblyLoadContext"/> and driven by reflection, so the older build needs nothing new);
/// <c>args[3]</c>: the repository root, for the evaluation cases and the benign corpus under
/// <c>tests/BotBottle.Core.Tests/Dlp</c>; <c>args[4]</c>: random mixed bodies (default 200). The bodies: each
/// evaluation body and corpus file alone, all of them placed across the engine's 8,192-character chunk boundaries,
/// the benign issues bodies, the adversarial shapes, bodies past the 1,000-finding cap, and random mixes of all of
/// these. Each body goes through <c>ScanRequest</c> (all detectors, two known secrets). The mode prints the number of
/// bodies, findings and differences, and the first differences; for each differing body, the findings only one side
/// reports (<c>ONLY</c>), or, when both report the same distinct findings, whether only their order (<c>ORDER</c>) or
/// how often one is reported (<c>COUNT</c>, each such line with both counts) differs. It returns 1 when there is any difference. A check
/// run by hand when the engine's passes are reordered, not a test.
/// </summary>
public static class DlpSame
{
    /// <summary>Runs the mode.</summary>
    /// <param name="args">Command line (see the type's summary).</param>
    /// <returns>0 when every body gives the same findings, else 1.</returns>
    public static int Run(string[] args)
    {
        string root = args[3];
        int mixes = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 200;
        var scans = new[] { Load(args[1]), Load(args[2]) };
        var bodies = Bodies(root, mixes);
        long findings = 0;
        int differences = 0;
        foreach (var (name, body) in bodies)
        {
            string a = scans[0](body), b = scans[1](body);
            findings += a.Length == 0 ? 0 : a.Count(c => c == '\n') + 1;
            if (a != b)
            {
                differences++;
                if (differences <= 5)
                {
                    Console.WriteLine($"DIFFERENT: {name}\n--- A\n{Head(a)}\n--- B\n{Head(b)}");
                }

                // Every differing body: the findings only one side reports (a finding's line holds every property).
                var la = a.Split('\n');
                var lb = b.Split('\n');
                var aOnly = la.Except(lb).ToArray();
                var bOnly = lb.Except(la).ToArray();
                if (aOnly.Length == 0 && bOnly.Length == 0)
                {
                    // The same set of findings: one side reports some of them more often, or in another order.
                    bool sameCounts = la.Length == lb.Length && la.Order(StringComparer.Ordinal).SequenceEqual(lb.Order(StringComparer.Ordinal));
                    Console.WriteLine(sameCounts
                        ? $"ORDER: {name}: the same findings in another order"
                        : string.Create(CultureInfo.InvariantCulture, $"COUNT: {name}: the same distinct findings, {la.Length} lines (A) vs {lb.Length} (B): {string.Join(" | ", Repeated(la, lb))}"));
                }
                else
                {
                    Console.WriteLine($"ONLY: {name}: A-only {string.Join(" | ", aOnly)} ;; B-only {string.Join(" | ", bOnly)}");
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bodies.Count} bodies, {findings} findings (A), {differences} bodies with different findings"));
        return differences == 0 ? 0 : 1;
    }

    /// <summary>The finding lines whose count differs between <paramref name="a"/> and <paramref name="b"/>, each as "line ×countA/×countB".</summary>
    private static IEnumerable<string> Repeated(string[] a, string[] b)
    {
        var ca = a.CountBy(l => l).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var cb = b.CountBy(l => l).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var (line, n) in ca)
        {
            int m = cb.GetValueOrDefault(line);
            if (m != n)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{line} ×{n}/×{m}");
            }
        }
    }

    private static string Head(string s) => string.Join('\n', s.Split('\n').Take(8));

    /// <summary>Loads one build's engine and returns a scan that prints the findings one per line (every property).</summary>
    private static Func<byte[], string> Load(string dir)
    {
        var context = new DlpAb.BuildContext(Path.Combine(dir, "BotBottle.Benchmarks.dll"));
        var domain = context.LoadFromAssemblyPath(Path.Combine(dir, "BotBottle.Domain.dll"));
        Type T(string name) => domain.GetType("BotBottle.Dlp." + name, throwOnError: true)!;
        var secretType = T("KnownSecret");
        var secrets = Array.CreateInstance(secretType, 2);
        secrets.SetValue(Activator.CreateInstance(secretType, "S", "aaaaaaaa-secret"), 0);
        secrets.SetValue(Activator.CreateInstance(secretType, "T", "Kx9-q8ZPbN2vL5mR7tY1wE4uI6oA3sD0"), 1);
        var engineType = T("DlpEngine");
        var create = engineType.GetMethod("Create", [typeof(IEnumerable<>).MakeGenericType(secretType), T("TokenRuleSet")])!;
        object engine = create.Invoke(null, [secrets, null])!;
        var requestType = T("DlpRequest");
        var detectors = Enum.Parse(T("DlpDetectors"), "All");
        var scan = engineType.GetMethod("ScanRequest", [requestType, T("DlpDetectors")])!;
        return body =>
        {
            object request = Activator.CreateInstance(requestType)!;
            requestType.GetProperty("Method")!.SetValue(request, "POST");
            requestType.GetProperty("Host")!.SetValue(request, "api.example.com");
            requestType.GetProperty("PathAndQuery")!.SetValue(request, "/upload");
            requestType.GetProperty("Body")!.SetValue(request, new ReadOnlyMemory<byte>(body));
            requestType.GetProperty("ContentType")!.SetValue(request, "text/plain");
            object report = scan.Invoke(engine, [request, detectors])!;
            var list = (IEnumerable)report.GetType().GetProperty("Findings")!.GetValue(report)!;
            return string.Join('\n', list.Cast<object>().Select(f => f.ToString()));
        };
    }

    private static List<(string Name, byte[] Body)> Bodies(string root, int mixes)
    {
        var dlp = Path.Combine(root, "tests", "BotBottle.Core.Tests", "Dlp");
        var pieces = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(dlp, "Evaluation"), "*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
            {
                if (c.TryGetProperty("body", out var b))
                {
                    pieces.Add(b.GetString()!);
                }
                else if (c.TryGetProperty("body_base64", out var b64))
                {
                    pieces.Add(Encoding.Latin1.GetString(Convert.FromBase64String(b64.GetString()!)));
                }

                pieces.Add(c.GetProperty("url").GetString()!);
            }
        }

        var corpus = Directory.GetFiles(Path.Combine(dlp, "Corpus")).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToList();
        string[] shapes = ["AAAA", "digits", "%25", "%%%%", "base64-random", "b64-cores", "backslash-u", "zero-width"];
        const string Seed = "check pool loyal become symbol slush popular park ivory perfect rescue pepper";

        var bodies = new List<(string, string)>();
        bodies.AddRange(pieces.Select((p, i) => ($"evaluation piece {i}", p)));
        bodies.AddRange(corpus.Select((p, i) => ($"corpus file {i}", p)));
        foreach (double fraction in (double[])[0.1, 0.25, 0.5, 0.75, 0.9])
        {
            bodies.Add(($"evaluation pieces across boundaries ({fraction})", Straddled(pieces, fraction)));
            bodies.Add(($"corpus across boundaries ({fraction})", Straddled(corpus, fraction)));
        }

        bodies.Add(("corpus in one body", string.Join('\n', corpus)));
        foreach (int size in (int[])[1024, 65536, 1 << 20])
        {
            bodies.Add(($"issues {size}", BenignBodies.Json(size, seed: 7)));
        }

        foreach (var shape in shapes)
        {
            bodies.Add(($"shape {shape}", Encoding.Latin1.GetString(DlpPathologicalBenchmarks.Make(shape, 96 * 1024)) + "\npassword = \"Xy7kLm9pQ2zR\"\n" + Seed + "\n"));
        }

        for (int every = 1; every <= 4; every += 3)
        {
            var sb = new StringBuilder();
            for (int i = 0; sb.Length < 320 * 1024; i++)
            {
                sb.Append("password = \"Xy7kLm9pQ").Append(i).Append("zR\"\n").Append(Seed).Append('\n')
                  .Append(i % every == 0 ? pieces[i % pieces.Count] : "-").Append("\nssn: 426-61-1764 ").Append(' ', i % 50).Append('\n');
            }

            bodies.Add(($"past the cap, a piece every {every} lines", sb.ToString()));
        }

        var rnd = new Random(20261203);
        for (int m = 0; m < mixes; m++)
        {
            var sb = new StringBuilder();
            int target = rnd.Next(1, 300) * 1024;
            while (sb.Length < target)
            {
                int pick = rnd.Next(10);
                string next = pick < 5 ? pieces[rnd.Next(pieces.Count)]
                    : pick < 8 ? Slice(corpus[rnd.Next(corpus.Count)], rnd)
                    : pick == 8 ? Seed
                    : new string(' ', rnd.Next(1, 9000));
                sb.Append(rnd.Next(3) switch { 0 => "\n", 1 => " ", _ => "&x=" }).Append(next);
            }

            bodies.Add(($"mix {m}", sb.ToString()));
        }

        return bodies.Select(b => (b.Item1, Encoding.UTF8.GetBytes(b.Item2))).ToList();
    }

    private static string Slice(string s, Random rnd)
    {
        int start = rnd.Next(s.Length);
        return s.Substring(start, Math.Min(s.Length - start, rnd.Next(1, 20000)));
    }

    /// <summary>The pieces, each placed across the next 8,192-character boundary (its first <paramref name="fraction"/> before it).</summary>
    private static string Straddled(IEnumerable<string> pieces, double fraction)
    {
        const int Chunk = 8192;
        var sb = new StringBuilder();
        int boundary = Chunk;
        foreach (var piece in pieces)
        {
            int blanks = Math.Max(0, boundary - (int)(piece.Length * fraction) - sb.Length - 2);
            sb.Append('\n').Append(' ', blanks).Append('\n').Append(piece);
            boundary = ((sb.Length / Chunk) + 1) * Chunk;
        }

        return sb.ToString();
    }
}
