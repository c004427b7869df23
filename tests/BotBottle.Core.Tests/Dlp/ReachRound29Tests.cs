using System.Globalization;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r29 round of issue 16: BIP-39 phrases (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) whose
/// letters' case was changed — capitals, title case, a capital first word, mixed and random case — as text, in JSON,
/// as lists (JSON arrays, numbered lines, bare commas), in a query or a form body; and the near misses that must stay
/// quiet: the same shapes with wordlist words whose checksum does not verify, title-cased headings and tag lists, text
/// in capitals. The phrases are those of <see cref="RedTeamEleventhRoundTests"/> (generated from random entropy by the
/// BIP-39 algorithm; none is a published example).
/// </summary>
public sealed class ReachRound29Tests
{
    private const string Phrase12 = "sniff antique method rapid birth hurt egg twelve enforce basket hockey typical";
    private const string Phrase12B = "reward ask viable crumble multiply glove custom palace wire toddler harvest puppy";
    private const string Phrase24 = "junk symptom police cry pool leave prepare hidden vocal volcano flash embark bike random plate heart opera feed universe patrol cat intact zoo promote";

    /// <summary>Twelve wordlist words whose checksum does not verify.</summary>
    private const string NotPhrase12 = "lift plug govern kite glass depend noble video keep engine abuse monster";

    /// <summary>The phrase with its letters' case changed: (name, words).</summary>
    private static IEnumerable<(string Name, string[] Words)> Cases(string phrase)
    {
        string[] w = phrase.Split(' ');
        var random = new Random(phrase.Length);
        yield return ("upper", w.Select(x => x.ToUpperInvariant()).ToArray());
        yield return ("title", w.Select(Title).ToArray());
        yield return ("first-capital", w.Select((x, i) => i == 0 ? Title(x) : x).ToArray());
        yield return ("last-capital", w.Select((x, i) => i == w.Length - 1 ? x.ToUpperInvariant() : x).ToArray());
        yield return ("alternating", w.Select((x, i) => i % 2 == 1 ? x.ToUpperInvariant() : x).ToArray());
        yield return ("random", w.Select(x => new string(x.Select(c => random.Next(2) == 0 ? char.ToUpperInvariant(c) : c).ToArray())).ToArray());
    }

    private static string Title(string word) => char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>The words written in the shapes an agent writes: (name, body, content type).</summary>
    private static IEnumerable<(string Name, string Body, string ContentType)> Shapes(string[] w)
    {
        string spaced = string.Join(" ", w);
        yield return ("text", spaced, "text/plain");
        yield return ("sentence", "My wallet words: " + spaced + ".", "text/plain");
        yield return ("lines", "RECOVERY PHRASE:\n" + string.Join("\n", w) + "\n", "text/plain");
        yield return ("json", "{\"mnemonic\": \"" + spaced + "\"}", "application/json");
        yield return ("json-array", "{\"words\": [\"" + string.Join("\", \"", w) + "\"]}", "application/json");
        yield return ("json-compact", "[\"" + string.Join("\",\"", w) + "\"]", "application/json");
        yield return ("numbered", string.Join("\n", w.Select((x, i) => $"{i + 1}. {x}")), "text/plain");
        yield return ("numbered-after-title", "Backup:\n" + string.Join("\n", w.Select((x, i) => $"{i + 1}. {x}")) + "\n", "text/plain");
        yield return ("commas", string.Join(",", w), "text/plain");
        yield return ("comma-space", string.Join(", ", w), "text/plain");
        yield return ("form", "phrase=" + string.Join("+", w), "application/x-www-form-urlencoded");
    }

    public static TheoryData<string> Phrases => [Phrase12, Phrase12B, Phrase24];

    [Theory]
    [MemberData(nameof(Phrases))]
    public void A_phrase_in_capitals_title_or_mixed_case_is_found_in_every_shape(string phrase)
    {
        var missed = new List<string>();
        foreach (var (caseName, words) in Cases(phrase))
        {
            foreach (var (shape, body, type) in Shapes(words))
            {
                if (!ScanBody(body, type).Any(f => f.RuleId == "crypto-seed-phrase"))
                {
                    missed.Add($"{caseName}/{shape}");
                }
            }
        }

        Assert.True(missed.Count == 0, "missed: " + string.Join(", ", missed));
    }

    [Fact]
    public void A_phrase_in_a_query_in_capitals_is_found()
    {
        foreach (var (caseName, words) in Cases(Phrase12))
        {
            var findings = Engine.ScanRequest(Request("/c?seed=" + string.Join("%20", words)), DlpDetectors.All).Findings;
            Assert.True(findings.Any(f => f.RuleId == "crypto-seed-phrase"), $"{caseName}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("title", "text")]
    [InlineData("upper", "json-array")]
    [InlineData("title", "numbered")]
    [InlineData("random", "commas")]
    [InlineData("first-capital", "json-compact")]
    [InlineData("alternating", "lines")]
    public void A_phrase_in_changed_case_is_found_at_every_offset(string caseName, string shape)
    {
        var words = Cases(Phrase24).First(c => c.Name == caseName).Words;
        var (_, body, type) = Shapes(words).First(x => x.Name == shape);
        const string Prose = "Notes from the call, Tuesday. We went over the plan and then the budget for next year. ";
        var missed = new List<int>();
        for (int pad = 0; pad <= 90; pad++)
        {
            string padded = Prose[..Math.Min(pad, Prose.Length)] + new string(' ', Math.Max(0, pad - Prose.Length)) + "\n" + body;
            if (!ScanBody(padded, type).Any(f => f.RuleId == "crypto-seed-phrase" && f.Validated))
            {
                missed.Add(pad);
            }
        }

        Assert.True(missed.Count == 0, "missed at " + string.Join(", ", missed));
    }

    [Fact]
    public void The_finding_covers_the_phrase_as_sent_and_is_reported_once()
    {
        string sent = "Backup: " + string.Join(" ", Cases(Phrase12).First(c => c.Name == "title").Words) + ". Keep it safe.";
        var findings = ScanBody(sent, "text/plain").FindAll(f => f.RuleId == "crypto-seed-phrase");
        var finding = Assert.Single(findings);
        Assert.Equal("Sniff antique method", sent.Substring(finding.Start, 20), ignoreCase: true);
        Assert.Equal(sent.IndexOf("Sniff", StringComparison.Ordinal), finding.Start);
        Assert.EndsWith("Typical", sent.Substring(finding.Start, finding.Length), StringComparison.Ordinal);
        Assert.True(finding.Validated);
    }

    /// <summary>Shapes whose words are the value of a label naming a seed phrase (RECOVERY PHRASE:, "mnemonic":): reported unvalidated since r36.</summary>
    private static readonly string[] LabelledShapes = ["lines", "json"];

    [Fact]
    public void Wordlist_words_whose_checksum_fails_stay_quiet_in_every_case_and_shape_unless_labelled_a_seed()
    {
        var wrong = new List<string>();
        foreach (var (caseName, words) in Cases(NotPhrase12))
        {
            foreach (var (shape, body, type) in Shapes(words))
            {
                var found = ScanBody(body, type).FindAll(f => f.RuleId == "crypto-seed-phrase");
                bool labelled = LabelledShapes.Contains(shape);
                if (labelled ? found.Count == 0 || found.Any(f => f.Validated) : found.Count > 0)
                {
                    wrong.Add($"{caseName}/{shape}: {found.Count} finding(s)");
                }
            }
        }

        Assert.True(wrong.Count == 0, string.Join(", ", wrong));
    }

    [Theory]
    [InlineData("ABANDON ABILITY ABLE ABOUT ABOVE ABSENT ABSORB ABSTRACT ABSURD ABUSE ACCESS ACCIDENT ACCOUNT ACCUSE ACHIEVE ACID")]
    [InlineData("Table Of Contents: Install, Configure, Deploy, Monitor, Upgrade, Remove.")]
    [InlineData("WARNING: THE SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.")]
    [InlineData("{\"tags\": [\"Travel\", \"Family\", \"Summer\", \"Beach\", \"Ocean\", \"Sunset\", \"Island\", \"Holiday\", \"Camera\", \"Photo\", \"Album\", \"Memory\"]}")]
    [InlineData("Great Local Coffee Shop Near Office Serves Fresh Bread Every Morning Before Work Hours Start")]
    public void Capitalised_text_of_common_words_stays_quiet(string text)
    {
        Assert.DoesNotContain(ScanBody(text, "text/plain"), f => f.RuleId == "crypto-seed-phrase");
    }

    [Theory]
    [InlineData("note")]
    [InlineData("Note")]
    [InlineData("SECRET")]
    public void A_numbered_list_right_after_a_wordlist_word_is_found_in_either_case(string heading)
    {
        // "note\n1. junk\n2. symptom …": the heading's glue reads like the list's (list numbers compare equal), so the
        // walk read 25 words; the list without its first word is the phrase. Lower case too (it was missed before r29).
        foreach (string phrase in new[] { Phrase24, Phrase12 })
        {
            foreach (bool title in new[] { false, true })
            {
                var words = phrase.Split(' ').Select(w => title ? Title(w) : w);
                string body = heading + "\n" + string.Join("\n", words.Select((x, i) => $"{i + 1}. {x}"));
                var findings = ScanBody(body, "text/plain");
                Assert.True(findings.Any(f => f.RuleId == "crypto-seed-phrase" && f.Validated && f.Start == body.IndexOf("1. ", StringComparison.Ordinal) + 3), $"{heading} title={title}: {Describe(findings)}");
            }
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(0)]
    [InlineData(11)]
    [InlineData(7)]
    public void One_capitalised_word_anywhere_in_a_phrase_does_not_hide_it(int index)
    {
        // The review: a capital at word 4–7 split the lower-case stretch into runs the lower-case probe could not complete.
        foreach (string phrase in new[] { Phrase12, Phrase12B, Phrase24 })
        {
            var words = phrase.Split(' ');
            foreach (bool upper in new[] { false, true })
            {
                string body = string.Join(" ", words.Select((w, i) => i == index ? (upper ? w.ToUpperInvariant() : Title(w)) : w));
                var findings = ScanBody(body, "text/plain");
                Assert.True(findings.Any(f => f.RuleId == "crypto-seed-phrase" && f.Validated), $"{body}: {Describe(findings)}");
            }
        }
    }

    [Theory]
    [InlineData("CATEGORIES\nANIMAL\nSAUCE\nCITY\nWEATHER\nPET\nTRAVEL\nSPRING\nOCEAN\nENERGY\nGARDEN\nBOAT\nFASHION\nFISH\nCOTTON\nGARLIC\nPOTATO")]
    [InlineData("Shopping list: Silver, Sauce, Blue, Kid, Bird, Butter, Water, Tomato, Glass, Sport, Beach, Orange, North, Bike, Horse, Juice, Home, Desert")]
    [InlineData("{\"tags\": [\"sugar\", \"onion\", \"game\", \"pepper\", \"health\", \"drink\", \"snow\", \"potato\", \"fashion\", \"market\", \"family\", \"garlic\", \"brown\"]}")]
    [InlineData("1. sugar\n2. onion\n3. game\n4. pepper\n5. health\n6. drink\n7. snow\n8. potato\n9. fashion\n10. market\n11. family\n12. garlic\n13. brown")]
    public void The_reviews_menus_shopping_lists_and_tag_arrays_stay_quiet(string text)
    {
        // Long runs of common capitalised words: a checksummed window must be the whole run (or all but one word at an
        // end); a 13-item list loses its first item only after a list number 1.
        Assert.DoesNotContain(ScanBody(text, "text/plain"), f => f.RuleId == "crypto-seed-phrase");
    }
}
