export async function runDemo(_options: { json: boolean }): Promise<number> {
  process.stdout.write("demo: not wired yet\n");
  return 0;
}
