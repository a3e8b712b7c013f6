package io.domsim.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The validation command's table is the one docs/validation.md shows, and every row is within its tolerance or
 * says why: runs every case of examples/validation/cases.conf (about 10 s). After changing the model or adding a
 * case, paste the command's output into the docs.
 */
class ValidationTableIsTheDocsTest {
  @Test
  void theDocsShowWhatTheCommandPrints() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path cases = root.resolve("examples/validation/cases.conf");
    List<ValidationCase> all = ValidationCase.read(cases);
    ValidationTable table = Validation.run(all, cases.getParent());
    String printed = table.markdown();
    assertTrue(table.acceptable(), () -> "a row is outside its tolerance without a reason:\n" + printed);
    String docs = Files.readString(root.resolve("docs/validation.md"));
    assertTrue(docs.contains(printed), () -> "docs/validation.md does not show the command's table; it prints:\n"
        + printed);
  }
}
