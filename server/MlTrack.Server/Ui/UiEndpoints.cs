using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace MlTrack.Server.Ui;

/// <summary>
/// Serves the browser UI (wwwroot, embedded in the assembly so the server runs from any folder without Node.js) at
/// <c>/</c>. It is middleware, not endpoints: the UI's files are not API routes, and API routes always win.
/// </summary>
internal static class UiEndpoints
{
    private const string ResourcePrefix = "MlTrack.Server.wwwroot";

    public static void Map(WebApplication app)
    {
        var files = new EmbeddedFileProvider(typeof(UiEndpoints).Assembly, ResourcePrefix);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            // Revalidate every time (an ETag answer is a cheap 304): an upgraded server is never shown with stale scripts.
            OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
    }
}
