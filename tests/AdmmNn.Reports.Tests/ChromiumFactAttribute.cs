namespace AdmmNn.Reports.Tests;

/// <summary>A fact that is skipped, with the reason, when headless Chromium is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Find() is null) Skip = "chromium not installed (Debian: apt-get install chromium); the screenshot test needs it";
    }
}
