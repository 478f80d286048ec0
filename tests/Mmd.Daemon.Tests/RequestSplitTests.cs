using Mmd.Supervision;

namespace Mmd.Daemon.Tests;

/// <summary>One venue's request limit split among its instances by what each asked (null: all it can get).</summary>
public class RequestSplitTests
{
    private static void AssertParts(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 9);
        Assert.Equal(1.0, actual.Sum(), 9);
    }

    [Fact]
    public void AllAskingAllTheyCanGet_SplitEvenly()
    {
        AssertParts([1 / 3.0, 1 / 3.0, 1 / 3.0], RequestSplit.Split([null, null, null]));
        AssertParts([1.0], RequestSplit.Split([null]));
        Assert.Empty(RequestSplit.Split([]));
    }

    [Fact]
    public void AQuietInstance_KeepsAQuarterOfAnEvenPart_AndTheBusyOnesShareWhatItLeaves()
    {
        // Backpack, four instances: a resting grid asking 0.5 % of the limit beside three market makers whose quotes queue.
        AssertParts([1 / 16.0, 5 / 16.0, 5 / 16.0, 5 / 16.0], RequestSplit.Split([0.005, null, null, null]));
    }

    [Fact]
    public void AClaimIsTwiceWhatWasAsked_MetWholeWhileBelowAnEqualShareOfWhatIsLeft()
    {
        AssertParts([0.1, 0.45, 0.45], RequestSplit.Split([0.05, null, null]));
        // Asking 40 % of the limit, claiming 80 %: above an even half, so it gets the half.
        AssertParts([0.5, 0.5], RequestSplit.Split([0.4, null]));
    }

    [Fact]
    public void WhatNoOneClaims_RaisesTheSmallestPartsFirst_TowardAnEvenSplit()
    {
        AssertParts([0.5, 0.5], RequestSplit.Split([0.01, 0.02]));
        AssertParts([0.7, 0.3], RequestSplit.Split([0.35, 0.05]));
        AssertParts([0.6, 0.2, 0.2], RequestSplit.Split([0.3, 0.01, 0.02]));
    }
}
