using System.Numerics;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>, B43, J16, J17, J18): bytes written as numbers — each byte's
/// eight bits (<c>01000001 01001011 …</c>), the whole data as one big-endian integer in decimal (Python
/// <c>int.from_bytes(data, 'big')</c>), base58 (the Bitcoin alphabet, draft-msporny-base58-03 §2) — and a whole body
/// in ROT47. Main 419e2f9's engine finds none of the malicious shapes here. The encoders are written out here from
/// their definitions (not with the product's code); the tokens are made up in the vendors' shapes; none is real.
/// </summary>
public sealed class RedTeamNumberTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 1515);

    private static readonly string Aws = "AKIA" + Tokens.Random(Tokens.UpperBase32, 16, 1515);

    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>Each byte as 8 binary digits, most significant first, joined by <paramref name="sep"/>.</summary>
    private static string Bits(string s, string sep) => string.Join(sep, Encoding.UTF8.GetBytes(s).Select(b => Convert.ToString(b, 2).PadLeft(8, '0')));

    /// <summary>The bytes as one big-endian unsigned integer, in decimal.</summary>
    private static string Decimal(string s) => new BigInteger(Encoding.UTF8.GetBytes(s), isUnsigned: true, isBigEndian: true).ToString();

    /// <summary>Base58: repeated division by 58 of the big-endian number; one <c>1</c> per leading zero byte.</summary>
    private static string Base58(byte[] data)
    {
        var n = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var sb = new StringBuilder();
        while (n > 0)
        {
            sb.Insert(0, Base58Alphabet[(int)(n % 58)]);
            n /= 58;
        }

        return new string('1', data.TakeWhile(b => b == 0).Count()) + sb;
    }

    private static string Base58(string s) => Base58(Encoding.UTF8.GetBytes(s));

    /// <summary>ROT47: <c>!</c>–<c>~</c> rotated by 47 (<c>tr '!-~' 'P-~!-O'</c>).</summary>
    private static string Rot47(string s) => string.Concat(s.Select(c => c is >= '!' and <= '~' ? (char)('!' + ((c - '!' + 47) % 94)) : c));

    public static TheoryData<string, string, string> Shapes() => new()
    {
        { Bits(Aws, " "), "binary", "aws-access-key-id" }, // B43
        { Bits(GitHub, ""), "binary", "github-pat-classic" },
        { "bits=" + Bits("token: " + GitHub, "-") + "&n=1", "binary", "github-pat-classic" },
        { "n=" + Decimal(GitHub), "decimal-integer", "github-pat-classic" }, // J16
        { "{\"id\": " + Decimal("AWS_ACCESS_KEY_ID=" + Aws) + "}", "decimal-integer", "aws-access-key-id" },
        { Decimal(GitHub).PadLeft(200, '0'), "decimal-integer", "github-pat-classic" }, // zero-padded: starts like bits (review, 6 Dec)
        { Base58(GitHub), "base58", "github-pat-classic" }, // J17
        { "{\"memo\": \"" + Base58("key " + Aws + " ok") + "\"}", "base58", "aws-access-key-id" },
        { Base58([0, 0, .. Encoding.UTF8.GetBytes(GitHub)]), "base58", "github-pat-classic" }, // leading zero bytes
        { Rot47(GitHub), "rot47", "github-pat-classic" }, // J18
        { "  " + Rot47("AWS_ACCESS_KEY_ID=" + Aws + "\nregion=us-east-1\n"), "rot47", "aws-access-key-id" },
        { Rot47("[default]\naws_access_key_id = " + Aws + "\n"), "rot47", "aws-access-key-id" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_token_written_as_numbers_is_found(string body, string encoding, string rule)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == rule && f.Encoding == encoding), $"{body}: {Describe(findings)}");
    }

    /// <summary>Numbers and base58 that agents really send: none decodes to text, so nothing is reported.</summary>
    public static TheoryData<string> LookAlikes() => new()
    {
        "flags=0000000011111111000000001111111100000000111111110000000011111111000000001111111100000000", // a bitmask
        "01010101 01010101 01010101 01010101 01010101 01010101 01010101 01010101 01010101 01010101 01010101", // alternating bits
        "{\"ts\": 1733443200000, \"id\": 1865432109876543210, \"order\": \"4000 1234 5678 9010\"}", // timestamps, ids
        "n = 25195908475657893494027183240048398571429282126204032027777137836043662020707595556264018525880784406918290641249515082189298559149176184502808489120072844992687392807287776735971418347270261896375014971824691165077613379859095700097330459748808428401797429100642458691817195118746121515172654632282216869987549182422433637259085141865462043576798423387184774447920739934236584823824281198163815010674810451660377306056201619676256133844143603833904414952634432190114657544454178424020924616515723350778707749817125772467962926386356373289912154831438167899885040445364023527381951378636564391212010397122822120720357", // RSA-2048's modulus
        "address: 1BoatSLRHtKNngkdXEeobR76b53LETtpyT and 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", // Bitcoin addresses (base58check)
        "{\"cid\": \"QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG\"}", // an IPFS CIDv0 (base58 of a multihash)
        "signature=5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW", // a Solana signature
        Rot47("hello world, this is an ordinary note"), // ROT47 of prose
        "89A0 is a part number, not a token", // starts like ROT47 of ghp_
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Numbers_that_are_only_numbers_stay_clean(string body)
    {
        AssertClean(body, "text/plain");
    }
}
