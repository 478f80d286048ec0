using System.Buffers.Binary;
using System.Text;
using Mmd.Trading.MarketData;

namespace Mmd.Exchanges.Paradex;

/// <summary>
/// The public channels' Simple Binary Encoding (schema 1, paradex-py's <c>paradex_1_0.xml</c>; exchanges.md §3.5), the
/// part a quoter reads: <c>BookEvent</c> (template 3). Little-endian; an 8-byte header (blockLength, templateId, schemaId,
/// version), the root block (whose length the header gives, so fields a later version appends are skipped), then the bid
/// and ask groups (each with its own blockLength and count), then the market name. Prices and sizes are int64 mantissas
/// with the schema's constant exponent −8; timestamps are microseconds.
/// </summary>
public static class ParadexSbe
{
    public const ushort SchemaId = 1;
    public const ushort BookTemplate = 3;
    private const int HeaderLength = 8;
    private const int GroupHeaderLength = 4;

    /// <summary>A decoded <c>BookEvent</c>: a full top-N book (snapshot) or level changes (delta, size 0 removes).</summary>
    public sealed record BookEvent(string Market, long Sequence, bool IsSnapshot, DateTimeOffset Time, BookLevel[] Bids, BookLevel[] Asks);

    /// <summary>The template of a frame, or null when it is not this schema's (a frame to skip, as the schema asks of unknown templates).</summary>
    public static ushort? TemplateOf(ReadOnlySpan<byte> frame) =>
        frame.Length >= HeaderLength && BinaryPrimitives.ReadUInt16LittleEndian(frame[4..]) == SchemaId
            ? BinaryPrimitives.ReadUInt16LittleEndian(frame[2..])
            : null;

    /// <summary>Decodes a <c>BookEvent</c> frame; throws <see cref="FormatException"/> on one that is cut short or malformed.</summary>
    public static BookEvent DecodeBook(ReadOnlySpan<byte> frame)
    {
        if (TemplateOf(frame) != BookTemplate) throw new FormatException("not a Paradex SBE BookEvent");
        var blockLength = BinaryPrimitives.ReadUInt16LittleEndian(frame);
        var root = Slice(frame, HeaderLength, blockLength);
        if (root.Length < 17) throw new FormatException($"a BookEvent block of {blockLength} bytes is shorter than its fixed fields");
        var time = DateTimeOffset.UnixEpoch.AddTicks(BinaryPrimitives.ReadInt64LittleEndian(root) * 10);
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(root[8..]);
        var isSnapshot = root[16] == 0;
        var at = HeaderLength + blockLength;
        var bids = Levels(frame, ref at);
        var asks = Levels(frame, ref at);
        var nameLength = Slice(frame, at, 1)[0];
        var market = Encoding.UTF8.GetString(Slice(frame, at + 1, nameLength));
        return new BookEvent(market, sequence, isSnapshot, time, bids, asks);
    }

    /// <summary>A mantissa with the schema's exponent −8.</summary>
    public static decimal FromMantissa(long mantissa) => mantissa / 100_000_000m;

    private static BookLevel[] Levels(ReadOnlySpan<byte> frame, ref int at)
    {
        var header = Slice(frame, at, GroupHeaderLength);
        var entryLength = BinaryPrimitives.ReadUInt16LittleEndian(header);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(header[2..]);
        if (entryLength < 16) throw new FormatException($"a book level of {entryLength} bytes is shorter than price and size");
        at += GroupHeaderLength;
        var levels = new BookLevel[count];
        for (var i = 0; i < count; i++, at += entryLength)
        {
            var entry = Slice(frame, at, entryLength);
            levels[i] = new BookLevel(FromMantissa(BinaryPrimitives.ReadInt64LittleEndian(entry)), FromMantissa(BinaryPrimitives.ReadInt64LittleEndian(entry[8..])));
        }
        return levels;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> frame, int start, int length) =>
        start + length <= frame.Length ? frame.Slice(start, length) : throw new FormatException("the SBE frame is cut short");
}
