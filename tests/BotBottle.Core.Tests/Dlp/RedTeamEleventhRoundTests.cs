using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, eleventh round (<c>reach11</c>): BIP-39 seed phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki)
/// written as lists — a JSON array (RFC 8259 §5; compact, spaced, pretty-printed, JSON-escaped inside a string), a
/// Python list, a numbered list (<c>1. word</c> lines, <c>1) word 2) word</c>), a Markdown bullet list, words joined by
/// bare commas or <c>|</c> — and the near misses that must stay quiet: the same shapes with wordlist words whose
/// checksum does not verify, an ascending slice of the wordlist, eleven words. Every malicious case here passed main
/// bb273cd's engine. The phrases are generated from random entropy by the BIP-39 algorithm (checksum = the first ENT/32
/// bits of SHA-256 of the entropy); none is a published example.
/// </summary>
public sealed class RedTeamEleventhRoundTests
{
    /// <summary>A 12-word phrase whose checksum verifies.</summary>
    private const string Phrase12 = "sniff antique method rapid birth hurt egg twelve enforce basket hockey typical";

    /// <summary>Another 12-word phrase whose checksum verifies (one- and two-digit numbering, short words).</summary>
    private const string Phrase12B = "reward ask viable crumble multiply glove custom palace wire toddler harvest puppy";

    /// <summary>A 24-word phrase whose checksum verifies.</summary>
    private const string Phrase24 = "junk symptom police cry pool leave prepare hidden vocal volcano flash embark bike random plate heart opera feed universe patrol cat intact zoo promote";

    /// <summary>Twelve wordlist words whose checksum does not verify (a keyword list, not a phrase).</summary>
    private const string NotPhrase12 = "lift plug govern kite glass depend noble video keep engine abuse monster";

    /// <summary>The phrase written as a list in the shapes an agent writes: (name, body, content type).</summary>
    private static IEnumerable<(string Name, string Body, string ContentType)> ListShapes(string phrase)
    {
        string[] w = phrase.Split(' ');
        yield return ("json-compact", "{\"words\":[\"" + string.Join("\",\"", w) + "\"]}", "application/json");
        yield return ("json-spaced", "{\"words\": [\"" + string.Join("\", \"", w) + "\"]}", "application/json");
        yield return ("json-pretty", "{\n  \"mnemonic\": [\n    \"" + string.Join("\",\n    \"", w) + "\"\n  ]\n}", "application/json");
        yield return ("json-escaped", "{\"content\":\"[\\\"" + string.Join("\\\",\\\"", w) + "\\\"]\"}", "application/json");
        yield return ("python", "words = ['" + string.Join("', '", w) + "']\n", "text/plain");
        yield return ("numbered-lines", "Backup:\n" + string.Join("\n", w.Select((x, i) => $"{i + 1}. {x}")) + "\n", "text/plain");
        yield return ("numbered-paren", "Backup: " + string.Join(" ", w.Select((x, i) => $"{i + 1}) {x}")) + "\n", "text/plain");
        yield return ("numbered-json", "{\"note\":\"" + string.Join("\\n", w.Select((x, i) => $"{i + 1}. {x}")) + "\"}", "application/json");
        yield return ("bullets", "Words:\n" + string.Join("\n", w.Select(x => "- " + x)) + "\n", "text/plain");
        yield return ("comma", "words=" + string.Join(",", w) + "\n", "text/plain");
        yield return ("pipe", "Words: " + string.Join(" | ", w) + "\n", "text/plain");
    }

    public static TheoryData<string, string, string> SeedLists()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string phrase in new[] { Phrase12, Phrase12B, Phrase24 })
        {
            foreach (var (name, body, type) in ListShapes(phrase))
            {
                data.Add($"{phrase.Split(' ').Length}-{name}", body, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedLists))]
    public void A_seed_phrase_written_as_a_list_is_found(string name, string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Any(x => x.RuleId == "crypto-seed-phrase" && x.Validated), $"{name}: {Describe(findings)}");
    }

    /// <summary>The probe pass samples the text every 44 characters: every list shape is found wherever it starts (90 offsets, two strides).</summary>
    [Fact]
    public void A_seed_phrase_list_is_found_at_every_offset()
    {
        var missed = new List<string>();
        foreach (var (name, body, type) in ListShapes(Phrase12))
        {
            for (int k = 0; k < 90; k++)
            {
                string padded = type == "application/json"
                    ? "{\"pad\":\"" + new string('Z', k) + "\"," + body[1..]
                    : new string('Z', k) + "\n" + body;
                if (!ScanBody(padded, type).Any(x => x.RuleId == "crypto-seed-phrase" && x.Validated))
                {
                    missed.Add($"{name}@{k}");
                }
            }
        }

        Assert.Empty(missed);
    }

    public static TheoryData<string, string, string> NotPhraseLists()
    {
        // (json-pretty names its list "mnemonic": a whole list under that label is reported unvalidated since r36,
        // ReachRound36Tests)
        var data = new TheoryData<string, string, string>();
        foreach (var (name, body, type) in ListShapes(NotPhrase12).Where(x => x.Name != "json-pretty"))
        {
            data.Add("checksum-" + name, body, type);
        }

        // An ascending slice of the wordlist (english.txt is sorted) and eleven words of a real phrase.
        foreach (var (name, body, type) in ListShapes("abandon ability able about above absent absorb abstract absurd abuse access accident").Where(x => x.Name != "json-pretty"))
        {
            data.Add("sorted-" + name, body, type);
        }

        foreach (var (name, body, type) in ListShapes(string.Join(' ', Phrase12.Split(' ')[..11])))
        {
            data.Add("eleven-" + name, body, type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(NotPhraseLists))]
    public void Lists_of_wordlist_words_that_are_no_phrase_are_not_findings(string name, string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Count == 0, $"{name}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("{\"state\":\"open\",\"lock\":\"able\",\"kind\":\"issue\",\"labels\":[\"bug\",\"help\",\"wanted\",\"good\",\"first\",\"issue\",\"area\",\"core\",\"ready\",\"review\",\"urgent\",\"later\"]}", "application/json")]
    [InlineData("Steps:\n1. install the package\n2. run the tests\n3. open the report\n4. fix the bug\n5. push\n6. review\n7. merge\n8. tag\n9. release\n10. announce\n11. close\n12. rest\n", "text/plain")]
    [InlineData("{\"tags\":[\"alpha\",\"beta\",\"gamma\",\"delta\",\"omega\",\"sigma\",\"theta\",\"kappa\",\"lambda\",\"zeta\",\"iota\",\"rho\"]}", "application/json")]
    [InlineData("1) apple 2) banana 3) cherry 4) grape 5) lemon 6) mango 7) melon 8) olive 9) orange 10) peach 11) pear 12) plum\n", "text/plain")]
    public void Ordinary_keyword_lists_are_not_findings(string body, string contentType) =>
        Assert.Empty(ScanBody(body, contentType));
}
