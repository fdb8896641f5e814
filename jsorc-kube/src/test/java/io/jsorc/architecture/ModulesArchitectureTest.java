package io.jsorc.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The library modules' shape across modules (jsorc-kube's test classpath holds core, actions, services, kube and
 * admin):
 * none of them reaches for the facade, and their packages form no cycle. See docs/ARCHITECTURE.md.
 */
class ModulesArchitectureTest {

    private static final JavaClasses LIBRARY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/jsorc-test/") && !location.contains("jsorc-test-"))
            .importPackages("io.jsorc");

    private static final DescribedPredicate<JavaClass> FACADE = DescribedPredicate.describe(
            "the facade (Orchestrator, JsOrc)",
            c -> c.getName().equals("io.jsorc.Orchestrator") || c.getName().startsWith("io.jsorc.Orchestrator$")
                    || c.getName().equals("io.jsorc.JsOrc") || c.getName().startsWith("io.jsorc.JsOrc$"));

    private static final DescribedPredicate<JavaClass> TEST_KIT = DescribedPredicate.describe("the test kit",
            c -> c.getPackageName().startsWith("io.jsorc.test"));

    @Test
    void theModulesAreLoaded() {
        org.assertj.core.api.Assertions.assertThat(LIBRARY.containPackage("io.jsorc.action")).isTrue();
        org.assertj.core.api.Assertions.assertThat(LIBRARY.containPackage("io.jsorc.services.redis")).isTrue();
        org.assertj.core.api.Assertions.assertThat(LIBRARY.containPackage("io.jsorc.kube")).isTrue();
        org.assertj.core.api.Assertions.assertThat(LIBRARY.containPackage("io.jsorc.admin")).isTrue();
        org.assertj.core.api.Assertions.assertThat(LIBRARY.containPackage("io.jsorc.admin.jmx")).isTrue();
    }

    @Test
    void noModuleDependsOnTheOrchestrator() {
        noClasses().that(DescribedPredicate.not(FACADE)).and(DescribedPredicate.not(TEST_KIT))
                .should().dependOnClassesThat().haveFullyQualifiedName("io.jsorc.Orchestrator")
                .because("modules get a narrow context, never the orchestrator")
                .check(LIBRARY);
    }

    @Test
    void onlyLogAppendersFindTheGlobalOrchestratorAndOnlyThroughCurrent() {
        noClasses().that(DescribedPredicate.not(FACADE)).and(DescribedPredicate.not(TEST_KIT))
                .and().doNotHaveFullyQualifiedName("io.jsorc.services.elastic.ElasticLogs")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.jsorc.JsOrc")
                .check(LIBRARY);
        noClasses().should().callMethodWhere(DescribedPredicate.describe("a JsOrc method other than current()",
                        call -> call.getTargetOwner().getName().equals("io.jsorc.JsOrc")
                                && !call.getName().equals("current")
                                && !FACADE.test(call.getOriginOwner()) && !TEST_KIT.test(call.getOriginOwner())))
                .check(LIBRARY);
    }

    /**
     * Each package below {@code io.jsorc} is a slice, except the two API packages that also hold a facade:
     * {@code io.jsorc} (checked by the core's own test) and {@code io.jsorc.action}, whose public types
     * ({@code ActionConfig}, {@code ActionException}, ...) its subpackages must use while {@code ActionManager} uses
     * them in turn.
     */
    private static final SliceAssignment PACKAGES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (!name.startsWith("io.jsorc.") || name.equals("io.jsorc.action")) {
                return SliceIdentifier.ignore();
            }
            return SliceIdentifier.of(name);
        }

        @Override
        public String getDescription() {
            return "packages below io.jsorc, API packages with a facade aside";
        }
    };

    @Test
    void packagesFormNoCycle() {
        slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(LIBRARY);
    }
}
