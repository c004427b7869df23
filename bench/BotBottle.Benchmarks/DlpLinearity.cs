using System.Diagnostics;
using System.Globalization;
using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Benchmarks;

/// <summary>
/// <c>dlp-linearity</c> mode: scans each adversarial shape at 128 KiB and at 1 MiB and prints the ratio of the time per
/// byte (1 MiB / 128 KiB). A linear scanner gives about 1.0; a quadratic one gives about 8. Best of several runs each,
/// so a loaded machine inflates both sizes alike. This is a benchmark (printed figures), not a test.
/// </summary>
public static class DlpLinearity
{
    private static readonly string[] Shapes =
    [
        "AAAA", "digits", "%25", "%%%%", "base64-random", "b64-cores", "backslash-u", "zero-width",
        "hex-colon", "hex-random", "b64-of-hex", "percent-nested", "assignments", "words", "digit-groups", "iban-like",

        // The sixth round's decoders (review of 4 December: a stretch that starts in blocks no candidate marks was walked
        // back once per isolated character, quadratic; code lists with 4 blanks were walked back and never forward).
        "spelled", "dots-then-spelled", "char-codes", "codes-4-blanks", "octal",

        // The seventh round: glued spelled-out stretches are scanned up to four times each; octal segments and code lists
        // longer than one piece are scanned in overlapping pieces to their end; a separated stretch that ends a run is
        // walked back from the run's end.
        "glued-spelled", "octal-sparse", "dashed-after-word",

        // The r23 reach round: a run after a tab is checked for a cookie file line (six cells back, at most 1 KiB); a
        // secret's name after --name reads its line forward for --value; a name/value pair steps over up to three
        // fields; a quoted 0x + 64 hex run looks back for a wallet call.
        "tab-cells", "name-options", "json-fields", "wallet-hashes",

        // The r28 round: a reversed or ROT13 credential name on every line undoes a window of ±8 KiB around the first
        // one, and again only past that window's end.
        "rot13-names", "reversed-names", "rot13-quiet", "plain-quiet",

        // The r29 round: wordlist words in title case and in capitals (one stretch without breaks: folded windows of at
        // most 4 KiB, each walked once), and a JSON array of capitalised wordlist words (the folded list gate at each
        // probe, each walk's words read once).
        "title-words", "caps-words", "caps-list",
    ];

    /// <summary>Runs the mode; <c>args[1]</c> (optional) is the number of runs per size (default 5), <c>args[2]</c> (optional) one shape to run alone.</summary>
    /// <param name="args">Command line.</param>
    /// <returns>0.</returns>
    public static int Run(string[] args)
    {
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var engine = DlpEngine.Create(DlpBenignBenchmarks.TenSecrets());
        Console.WriteLine("| shape | 128 KiB MB/s | 1 MiB MB/s | per-byte time ratio (1 MiB / 128 KiB) |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var shape in Shapes)
        {
            if (args.Length > 2 && shape != args[2])
            {
                continue;
            }

            double small = Best(engine, Make(shape, 128 * 1024), runs);
            double large = Best(engine, Make(shape, 1024 * 1024), runs);
            double ratio = (large / (1024 * 1024)) / (small / (128 * 1024));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {shape} | {128 * 1024 / small / 1e6:N0} | {1024 * 1024 / large / 1e6:N0} | {ratio:F2} |"));
        }

        return 0;
    }

    private static double Best(DlpEngine engine, byte[] body, int runs)
    {
        var request = new DlpRequest { Method = "POST", Host = "api.example.com", PathAndQuery = "/upload", Body = body };
        engine.ScanRequest(request, DlpDetectors.All); // warm-up
        double best = double.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            engine.ScanRequest(request, DlpDetectors.All);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        return best;
    }

    internal static byte[] Make(string shape, int size)
    {
        var rnd = new Random(99);
        string text = shape switch
        {
            "hex-colon" => Repeat("4a:6b:", size),
            "hex-random" => Convert.ToHexString(Bytes(rnd, size / 2)).ToLowerInvariant(),
            "b64-of-hex" => Convert.ToBase64String(Encoding.ASCII.GetBytes(Convert.ToHexString(Bytes(rnd, size * 3 / 8)))),
            "percent-nested" => Repeat("%2525", size),
            "assignments" => Repeat("password=x&", size),
            "words" => Repeat("abandon ability able about above absent ", size),
            "rot13-names" => Repeat("QO_CNFFJBEQ=Vj2rDSrQ9pnUMusxz9dS\n", size),
            "rot13-quiet" => Repeat("gur cnffjbeq svryq; pbzzvg 0123456789abcdef0123456789abcdef01234567\n", size),
            "plain-quiet" => Repeat("the password field; commit 0123456789abcdef0123456789abcdef01234567\n", size),
            "title-words" => Repeat("Abandon Ability Able About Above Absent Absorb Abstract Absurd Abuse Access Accident Account ", size),
            "caps-words" => Repeat("LIFT PLUG GOVERN KITE GLASS DEPEND NOBLE VIDEO KEEP ENGINE ABUSE MONSTER ", size),
            "caps-list" => "[" + Repeat("\"Lift\", \"Plug\", \"Govern\", \"Kite\", \"Glass\", \"Depend\", ", size) + "\"Noble\"]",
            "reversed-names" => Repeat("Fq9mkfhZHac9DeFQe2wI=DROWSSAP_BD\n", size),
            "digit-groups" => Repeat("4111 1111 ", size),
            "iban-like" => Repeat("DE00 1234 ", size),
            "spelled" => Repeat("a.", size),
            "dots-then-spelled" => new string('.', size / 2) + Repeat("a.", size / 2),
            "char-codes" => Repeat("65,", size),
            "codes-4-blanks" => Repeat("1,    ", size),
            "octal" => Repeat("\\101", size),
            "glued-spelled" => Repeat("is a b c d e f g h i j k l m n o p q r s t u v w x y zz ", size),
            "dashed-after-word" => "notes-about" + Repeat("-a", size - 11),
            "octal-sparse" => Repeat("\\101\\102\\103\\104x1y2z3w4v5u6", size),
            "tab-cells" => Repeat("\tq8Zr3kLm2NvX7pWt9Y", size),
            "name-options" => Repeat("--name db-password ", size),
            "json-fields" => Repeat("{\"name\": \"token\", \"a\": \"b\", \"c\": \"d\", ", size),
            "wallet-hashes" => Repeat("Wallet(\"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d\") ", size),
            _ => Encoding.UTF8.GetString(DlpPathologicalBenchmarks.Make(shape, size)),
        };
        var bytes = Encoding.UTF8.GetBytes(text);
        return bytes.Length > size ? bytes[..size] : bytes;
    }

    private static string Repeat(string unit, int size) => string.Concat(Enumerable.Repeat(unit, (size / unit.Length) + 1));

    private static byte[] Bytes(Random rnd, int n)
    {
        var b = new byte[n];
        rnd.NextBytes(b);
        return b;
    }
}
