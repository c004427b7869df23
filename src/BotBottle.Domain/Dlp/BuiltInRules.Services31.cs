namespace BotBottle.Dlp;

/// <summary>
/// r31 round: a Nostr private key written as NIP-19 prescribes (<c>nsec1</c> + Bech32 of the 32-byte secret key), which
/// a wallet or client exports and which no other rule knew. The checksum (BIP-173 §Checksum: the Bech32 polymod of the
/// expanded human-readable part and the data equals 1) ranks a finding (<c>validated</c>); a key whose checksum fails
/// is still reported, with <c>validated: false</c>, as every credential-shaped value is (issue 16).
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>The Bech32 data alphabet (BIP-173): value i is the character at index i.</summary>
    private const string Bech32Alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

    private static TokenRule[] Services31Rules() =>
    [
        Anchor("nostr-private-key", "Nostr private key (NIP-19 nsec, Bech32 of the 32-byte secret key)",
            "https://github.com/nostr-protocol/nips/blob/master/19.md (nsec); Bech32 and its checksum: https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki",
            "nsec1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58} (52 characters of data: 32 bytes; 6 of checksum)", ["nsec1"], NostrSecretKey, NostrChecksum),
    ];

    /// <summary><c>nsec1</c> at <paramref name="a"/>, then exactly 58 lower-case Bech32 characters, with no letter or digit on either side.</summary>
    private static bool NostrSecretKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        const int Len = 5 + 58;
        return BoundaryBefore(t, a) && Span(t, a + 5, 59, static c => Bech32Alphabet.Contains(c)) == 58 && BoundaryAfter(t, a + Len)
            ? Ok(a, a + Len, out start, out length) : Fail(out start, out length);
    }

    /// <summary>BIP-173's checksum of a whole <c>nsec1…</c> string: the polymod of the expanded <c>nsec</c> and the data values is 1.</summary>
    private static bool NostrChecksum(ReadOnlySpan<char> token)
    {
        int sep = token.LastIndexOf('1');
        if (sep < 1)
        {
            return false;
        }

        uint chk = 1;
        foreach (char c in token[..sep])
        {
            chk = Bech32PolyMod(chk, (uint)(c >> 5));
        }

        chk = Bech32PolyMod(chk, 0);
        foreach (char c in token[..sep])
        {
            chk = Bech32PolyMod(chk, (uint)(c & 31));
        }

        foreach (char c in token[(sep + 1)..])
        {
            int v = Bech32Alphabet.IndexOf(c);
            if (v < 0)
            {
                return false;
            }

            chk = Bech32PolyMod(chk, (uint)v);
        }

        return chk == 1;
    }

    /// <summary>BIP-173's generator constants of <c>bech32_polymod</c> (the BIP's reference code).</summary>
    private static ReadOnlySpan<uint> Bech32Generator => [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

    /// <summary>One step of BIP-173's <c>bech32_polymod</c>.</summary>
    private static uint Bech32PolyMod(uint chk, uint value)
    {
        uint top = chk >> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++)
        {
            chk ^= ((top >> i) & 1) != 0 ? Bech32Generator[i] : 0;
        }

        return chk;
    }
}
