using System.Text;
using Mmd.Exchanges.Shared;
using Org.BouncyCastle.Math;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// SNIP-12 revision 0 typed data, the parts Paradex uses (exchanges.md §3.4): felt encoding, type and struct hashes
/// chained with Pedersen, and the message hash an account signs.
/// </summary>
public static class StarkTypedData
{
    private static readonly BigInteger Mask250 = BigInteger.One.ShiftLeft(250).Subtract(BigInteger.One);

    private static readonly BigInteger MessagePrefix = ShortString("StarkNet Message");

    /// <summary>keccak256(utf8) keeping its low 250 bits: type hashes and selectors.</summary>
    public static BigInteger StarknetKeccak(string text) => new BigInteger(1, Keccak256.Hash(Encoding.UTF8.GetBytes(text))).And(Mask250);

    /// <summary>The hash of an encoded type, e.g. <c>Order(timestamp:felt,market:felt,…)</c>, dependencies appended.</summary>
    public static BigInteger TypeHash(string encodedType) => StarknetKeccak(encodedType);

    /// <summary>A short string: the big-endian integer of up to 31 ASCII bytes ("" is 0).</summary>
    public static BigInteger ShortString(string text)
    {
        if (text.Length > 31) throw new ArgumentException($"'{text}' is longer than a short string's 31 characters", nameof(text));
        if (!Ascii.IsValid(text)) throw new ArgumentException($"'{text}' is not ASCII", nameof(text));
        return text.Length == 0 ? BigInteger.Zero : new BigInteger(1, Encoding.ASCII.GetBytes(text));
    }

    /// <summary>
    /// A felt as starknet-py parses a typed-data value: decimal digits are that number, 0x… is hex, anything else is a
    /// short string ("POST", "ETH-USD-PERP").
    /// </summary>
    public static BigInteger Felt(string value) => ParseNumber(value) ?? ShortString(value);

    /// <summary>struct_hash = H([type_hash, field1, …, fieldN]).</summary>
    public static BigInteger StructHash(BigInteger typeHash, params ReadOnlySpan<BigInteger> fields) => StructHash(TypeChain(typeHash), fields);

    /// <summary>A struct hash from its type's chain (<see cref="TypeChain"/>), hashed once per type.</summary>
    public static BigInteger StructHash(PedersenChain typeChain, params ReadOnlySpan<BigInteger> fields) => typeChain.Append(fields).Finish();

    public static PedersenChain TypeChain(BigInteger typeHash) => PedersenChain.Empty.Append(typeHash);

    /// <summary>message_hash = H(["StarkNet Message", domain hash, account, struct hash of the message]).</summary>
    public static BigInteger MessageHash(BigInteger domainHash, BigInteger account, BigInteger messageStructHash) =>
        MessageChain(domainHash, account).Append(messageStructHash).Finish();

    /// <summary>What every message of one account in one domain starts with, hashed once.</summary>
    public static PedersenChain MessageChain(BigInteger domainHash, BigInteger account) => PedersenChain.Empty.Append(MessagePrefix, domainHash, account);

    /// <summary>0x-prefixed lowercase hex without leading zeros, as StarkNet prints a felt.</summary>
    public static string Hex(BigInteger value) => "0x" + value.ToString(16);

    /// <summary>A felt from 0x-prefixed hex or decimal text; null when it is neither.</summary>
    public static BigInteger? ParseNumber(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return text.Length > 2 && text.Skip(2).All(char.IsAsciiHexDigit) ? new BigInteger(text[2..], 16) : null;
        return text.All(char.IsAsciiDigit) ? new BigInteger(text, 10) : null;
    }
}
