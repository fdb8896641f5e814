package io.jsorc.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The core's shape, as docs/ARCHITECTURE.md states it: dependencies point down from the facade, the core packages
 * form no cycle, and the bottom types in {@code io.jsorc} lean only on the leaf packages.
 */
class CoreArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jsorc");

    /** The facade: the orchestrator, its builder, and the static JsOrc. */
    static final DescribedPredicate<JavaClass> FACADE = DescribedPredicate.describe("the facade (Orchestrator, JsOrc)",
            c -> c.getName().equals("io.jsorc.Orchestrator") || c.getName().startsWith("io.jsorc.Orchestrator$")
                    || c.getName().equals("io.jsorc.JsOrc") || c.getName().startsWith("io.jsorc.JsOrc$"));

    @Test
    void nothingBelowTheFacadeDependsOnIt() {
        noClasses().that(DescribedPredicate.not(FACADE)).should().dependOnClassesThat(FACADE)
                .because("components get a narrow context (ComponentContext, ServiceContext, ApplyContext), "
                        + "never the orchestrator")
                .check(CORE);
    }

    @Test
    void corePackagesFormNoCycle() {
        slices().matching("io.jsorc.(**)").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void bottomTypesDependOnlyOnLeafPackages() {
        noClasses().that().resideInAPackage("io.jsorc").and(DescribedPredicate.not(FACADE))
                .should().dependOnClassesThat().resideInAnyPackage("io.jsorc.config..", "io.jsorc.registry..",
                        "io.jsorc.regen..", "io.jsorc.service..", "io.jsorc.component..", "io.jsorc.cluster..",
                        "io.jsorc.runtime..", "io.jsorc.metrics..", "io.jsorc.inject..", "io.jsorc.index..")
                .because("the bottom of io.jsorc may lean on io.jsorc.base, io.jsorc.lifecycle and "
                        + "io.jsorc.manifest only, so no cycle can run through it")
                .check(CORE);
    }
}
