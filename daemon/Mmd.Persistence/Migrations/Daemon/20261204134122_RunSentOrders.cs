using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations.Daemon
{
    /// <inheritdoc />
    public partial class RunSentOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "SentOrders",
                table: "instance_runs",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SentOrders",
                table: "instance_runs");
        }
    }
}
