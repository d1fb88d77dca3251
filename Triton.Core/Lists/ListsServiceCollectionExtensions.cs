using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Lists;

public static class ListsServiceCollectionExtensions
{
    /// <summary>The list and recipient services, the recipient writer and CSV importer (stateless, over the shared store executor) and the import tracker (in the database).</summary>
    public static IServiceCollection AddTritonLists(this IServiceCollection services)
    {
        services.AddSingleton<RecipientBatchWriter>();
        services.AddSingleton<CsvRecipientImporter>();
        services.AddSingleton<ImportTracker>();
        services.AddSingleton<IValidator<ListInput>, ListInputValidator>();
        services.AddSingleton<ListService>();
        services.AddSingleton<RecipientService>();
        return services;
    }
}
