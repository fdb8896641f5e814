package io.jsorc.examples.readme;

// tag::module[]
import io.jsorc.action.Action;
import io.jsorc.action.ActionModule;

@ActionModule("calc")
public class Calc {
    @Action
    public int add(int a, int b) {           // call("calc.add", 2, 3); a and b: compile with -parameters
        return a + b;
    }
}
// end::module[]
