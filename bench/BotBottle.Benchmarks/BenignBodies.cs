using System.Globalization;
using System.Text;

namespace BotBottle.Benchmarks;

/// <summary>
/// Deterministic benign request bodies for the DLP benchmark and the benign-corpus test: an issue-tracker style JSON
/// export mixing English prose, Markdown, code blocks, URLs, UUIDs, commit hashes, ISO timestamps, integer ids and
/// decimal scores. Nothing in it has the shape of a credential.
/// </summary>
public static class BenignBodies
{
    private static readonly string[] Words =
        ("the a of to and in that is for it with as was on be at by this had not are but from or have an they which one you were her all she there would their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two may then do first any my now such like our over man me even most made after also did many before must through back years where much your way well down should because each just those people how too little state good very make world still own see men work long get here between both life being under never day same another know while last might us great old year off come since against go came right used take three "
        + "request response token server client config version build deploy proxy egress route bottle agent sidecar policy secret key access password header body query path host cache retry timeout error warning metric trace log span event queue worker job batch stream upload download").Split(' ');

    private static readonly string[] Code =
    [
        "```csharp\nvar client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };\nvar response = await client.GetAsync(uri, cancellationToken);\nresponse.EnsureSuccessStatusCode();\n```",
        "```python\nfor item in items:\n    if item[\"status\"] == \"open\":\n        print(item[\"id\"], item[\"title\"])\n```",
        "```bash\nexport API_TOKEN=\"$(cat ~/.config/app/token)\"\ncurl -fsSL -H \"Authorization: Bearer $API_TOKEN\" https://api.example.com/v1/me | jq .login\n```",
        "```yaml\nroutes:\n  - host: api.github.com\n    auth: { scheme: Bearer, token_ref: GITHUB_TOKEN }\n    dlp: { outbound_on_match: block }\n```",
        "```json\n{\"retries\": 3, \"backoff_ms\": [100, 400, 1600], \"endpoint\": \"https://queue.example.com/v2/jobs\"}\n```",
    ];

    /// <summary>A body of about <paramref name="size"/> bytes (UTF-8, ASCII only).</summary>
    public static string Json(int size, int seed = 42)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder(size + 4096);
        sb.Append("{\"export\":\"issues\",\"generated_at\":\"2026-11-03T18:42:07Z\",\"items\":[");
        int id = 1000 + rnd.Next(1000);
        while (sb.Length < size - 2)
        {
            if (id > 0 && sb[^1] == '}')
            {
                sb.Append(',');
            }

            id += 1 + rnd.Next(7);
            sb.Append("{\"id\":").Append(id)
                .Append(",\"node_id\":\"I_kwDO").Append(Hex(rnd, 10)).Append('"')
                .Append(",\"title\":\"").Append(Sentence(rnd, 4, 9).TrimEnd('.')).Append('"')
                .Append(",\"state\":\"").Append(rnd.Next(3) == 0 ? "closed" : "open").Append('"')
                .Append(",\"url\":\"https://tracker.example.com/api/v3/repos/botbottle/botbottle/issues/").Append(id).Append('"')
                .Append(",\"author\":{\"login\":\"").Append(Words[rnd.Next(Words.Length)]).Append('-').Append(Words[rnd.Next(Words.Length)]).Append(rnd.Next(100))
                .Append("\",\"id\":").Append(rnd.Next(1, 90_000_000)).Append(",\"avatar_url\":\"https://avatars.example.com/u/").Append(rnd.Next(1, 90_000_000)).Append("?v=4\"}")
                .Append(",\"labels\":[\"").Append(Words[rnd.Next(Words.Length)]).Append("\",\"p").Append(rnd.Next(4)).Append("\"]")
                .Append(",\"created_at\":\"").Append(Timestamp(rnd)).Append("\",\"updated_at\":\"").Append(Timestamp(rnd)).Append('"')
                .Append(",\"commit\":\"").Append(Hex(rnd, 40)).Append('"')
                .Append(",\"request_id\":\"").Append(Uuid(rnd)).Append('"')
                .Append(",\"score\":").Append(rnd.NextDouble().ToString("0.######", CultureInfo.InvariantCulture))
                .Append(",\"comments\":").Append(rnd.Next(40))
                .Append(",\"body\":\"");
            int paragraphs = 1 + rnd.Next(3);
            var body = new StringBuilder();
            for (int p = 0; p < paragraphs; p++)
            {
                body.Append(Sentence(rnd, 8, 20)).Append(' ').Append(Sentence(rnd, 6, 16));
                if (rnd.Next(3) == 0)
                {
                    body.Append(" See https://docs.example.com/").Append(Words[rnd.Next(Words.Length)]).Append('/').Append(Words[rnd.Next(Words.Length)]).Append("#section-").Append(rnd.Next(12)).Append('.');
                }

                body.Append("\n\n");
                if (rnd.Next(4) == 0)
                {
                    body.Append(Code[rnd.Next(Code.Length)]).Append("\n\n");
                }
            }

            sb.Append(Escape(body.ToString())).Append("\"}");
        }

        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>
    /// The ten known secrets every DLP benchmark's engine is built with (seeded: the same values in every run and in
    /// every program that scans these bodies, <c>BotBottle.Benchmarks</c> and <c>BotBottle.DlpAot</c>): 24–33 random bytes,
    /// base64 for the even ones, lower-case hex with a <c>!x</c> tail for the odd ones.
    /// </summary>
    public static BotBottle.Dlp.KnownSecret[] TenSecrets()
    {
        var rnd = new Random(1234);
        var secrets = new BotBottle.Dlp.KnownSecret[10];
        for (int i = 0; i < secrets.Length; i++)
        {
            var bytes = new byte[24 + i];
            rnd.NextBytes(bytes);
            secrets[i] = new BotBottle.Dlp.KnownSecret("SECRET_" + i, i % 2 == 0 ? Convert.ToBase64String(bytes) : Convert.ToHexString(bytes).ToLowerInvariant() + "!x");
        }

        return secrets;
    }

    /// <summary>
    /// The egress load generator's body (<c>bench/BotBottle.LoadGen</c>, same words and seed): a JSON chat log whose
    /// messages are 12 words drawn from 15 common English words, several of them BIP-39 words (<c>build</c>,
    /// <c>because</c>, <c>error</c>, <c>file</c>, <c>function</c>, <c>test</c>, <c>value</c>…), so nearly every word
    /// is a seed-phrase probe hit and the runs of wordlist words are short. Cut to <paramref name="size"/> characters.
    /// </summary>
    public static string ChatWords(int size)
    {
        var sb = new StringBuilder("{\"messages\":[");
        var rng = new Random(42);
        string[] words = ["the", "build", "failed", "because", "package", "version", "test", "function", "returns", "value", "error", "line", "file", "module", "install"];
        while (sb.Length < size)
        {
            sb.Append("{\"role\":\"user\",\"content\":\"");
            for (var i = 0; i < 12; i++)
            {
                sb.Append(words[rng.Next(words.Length)]).Append(' ');
            }

            sb.Append("\"},");
        }

        return sb.ToString()[..size];
    }

    private static string Sentence(Random rnd, int min, int max)
    {
        int n = min + rnd.Next(max - min);
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            string w = Words[rnd.Next(Words.Length)];
            sb.Append(i == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w);
            sb.Append(i == n - 1 ? "." : rnd.Next(9) == 0 ? ", " : " ");
        }

        return sb.ToString();
    }

    private static string Hex(Random rnd, int n)
    {
        const string Digits = "0123456789abcdef";
        var c = new char[n];
        for (int i = 0; i < n; i++)
        {
            c[i] = Digits[rnd.Next(16)];
        }

        return new string(c);
    }

    private static string Uuid(Random rnd) => $"{Hex(rnd, 8)}-{Hex(rnd, 4)}-4{Hex(rnd, 3)}-a{Hex(rnd, 3)}-{Hex(rnd, 12)}";

    private static string Timestamp(Random rnd) =>
        new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(rnd.Next(0, 90_000_000)).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
