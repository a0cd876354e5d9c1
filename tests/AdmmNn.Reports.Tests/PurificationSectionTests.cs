using AdmmNn.Core.Compression.Purification;
using AdmmNn.Reports;

namespace AdmmNn.Reports.Tests;

public sealed class PurificationSectionTests
{
    [Fact]
    public void A_purified_run_shows_the_removed_filters_and_the_layers_that_shrank()
    {
        var result = SampleResults.LeNet();
        result.Purification = new PurificationReport
        {
            FiltersRemoved = 7, ChannelsRemoved = 7, EmptyFilters = 9, EmptyFiltersKept = 2, DenseMacsBefore = 2_293_000, DenseMacsAfter = 1_900_000,
            Layers =
            [
                new PurifiedLayer { Name = "conv2.weight", OpType = "Conv", OutputChannelsBefore = 50, OutputChannelsAfter = 43, InputChannelsBefore = 20, InputChannelsAfter = 20, ShapeBefore = [50, 20, 5, 5], ShapeAfter = [43, 20, 5, 5] },
                new PurifiedLayer { Name = "conv1.weight", OpType = "Conv", OutputChannelsBefore = 20, OutputChannelsAfter = 20, InputChannelsBefore = 1, InputChannelsAfter = 1, ShapeBefore = [20, 1, 5, 5], ShapeAfter = [20, 1, 5, 5] },
            ],
        };
        var html = HtmlReport.Render(result);
        Assert.Contains("<h2>Purification</h2>", html);
        Assert.Contains("7 filters and 7 input channels removed (9 empty filters, 2 kept)", html);
        Assert.Contains("<td>conv2.weight</td><td>50 → 43</td>", html);
        Assert.DoesNotContain("<td>conv1.weight</td><td>20 → 20</td>", html);
        Assert.DoesNotContain("<h2>Purification</h2>", HtmlReport.Render(SampleResults.LeNet()));
    }
}
