using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Mmd.Exchanges.Shared;
using Mmd.TestKit;

namespace Mmd.Exchanges.Tests;

/// <summary>The quiet marks a book stream adds to its silences, on a fake clock.</summary>
public sealed class QuietMarksTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-23T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly Channel<string> _channel = Channel.CreateBounded<string>(10);
    private readonly List<string> _got = [];

    private Task Read(Func<bool> alive) => Task.Run(async () =>
    {
        await foreach (var x in QuietMarks.ReadAsync(_channel.Reader, TimeSpan.FromSeconds(5), _time, alive, CancellationToken.None))
            lock (_got) _got.Add(x ?? $"mark {_time.GetUtcNow():HH:mm:ss}");
    });

    private List<string> Got() { lock (_got) return [.. _got]; }

    private void Advance(int seconds)
    {
        for (var i = 0; i < seconds; i++) _time.Advance(TimeSpan.FromSeconds(1));
    }

    /// <summary>Moves the clock to the moment a mark is due, and waits for it there (a mark is stamped when it is read).</summary>
    private async Task MarkAfterAsync(int seconds, int count)
    {
        Advance(seconds);
        await Until.TrueAsync(() => Got().Count == count, $"mark {count}");
    }

    [Fact]
    public async Task EachSilenceOfTheInterval_IsMarked_AndAnItemStartsTheCountAgain()
    {
        var reading = Read(() => true);
        _channel.Writer.TryWrite("a");
        await Until.TrueAsync(() => Got().Count == 1, "the item");
        Advance(3);
        _channel.Writer.TryWrite("b"); // 3 s in: the silence so far does not count
        await Until.TrueAsync(() => Got().Count == 2, "the second item");
        await MarkAfterAsync(5, 3);
        await MarkAfterAsync(5, 4);
        Assert.Equal(["a", "b", "mark 12:00:08", "mark 12:00:13"], Got());
        _channel.Writer.TryComplete(new InvalidOperationException("the venue sent an error"));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => reading.DefaultTimeout()); // an error is not a silence
        Assert.Equal("the venue sent an error", failure.Message);
    }

    [Fact]
    public async Task ASilenceOnAConnectionThatIsNotAlive_IsNotMarked()
    {
        var reading = Read(() => false);
        Advance(12);
        _channel.Writer.TryWrite("a");
        await Until.TrueAsync(() => Got().Count == 1, "the item");
        Assert.Equal(["a"], Got());
        _channel.Writer.TryComplete();
        await reading.DefaultTimeout();
    }
}
