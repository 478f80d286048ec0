using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FiguresCheckpoint : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "figures_checkpoints",
                columns: table => new
                {
                    Instance = table.Column<string>(type: "TEXT", nullable: false),
                    Venue = table.Column<string>(type: "TEXT", nullable: false),
                    Symbol = table.Column<string>(type: "TEXT", nullable: false),
                    LastFillRow = table.Column<long>(type: "INTEGER", nullable: false),
                    TimeMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_figures_checkpoints", x => new { x.Instance, x.Venue, x.Symbol });
                });

            migrationBuilder.CreateIndex(
                name: "IX_fills_Instance_ClientOrderId",
                table: "fills",
                columns: new[] { "Instance", "ClientOrderId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "figures_checkpoints");

            migrationBuilder.DropIndex(
                name: "IX_fills_Instance_ClientOrderId",
                table: "fills");
        }
    }
}
