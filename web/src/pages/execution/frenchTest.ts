// Moved to src/test/inFrench.ts (shared by every area's French tests); kept for the tests importing it here.
export { inFrench } from "../../test/inFrench";
