import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..', '..');

/** The package's entry points: what an app can import. */
export const ENTRY_POINTS = ['index.ts', 'redis.ts', 'testing.ts', 'metrics.ts'] as const;
/** The browser runtime's page API (`window.sseMonitor`), which no entry point exports. */
const PAGE_API = { file: 'lib/browser/monitorRuntime.ts', name: 'MonitorApi' };
/** The contract whose `*_DOM_EVENT` constants name the DOM events of the runtime. */
const CONTRACT = 'lib/protocol/monitorContract.ts';

/**
 * The package's public surface as the TypeScript compiler sees it: exports of the entry points,
 * their types' properties, call signatures and parameters. Built from the sources, so a name
 * the README claims and the code lacks is found missing.
 */
export class PackageSurface {
  readonly checker: ts.TypeChecker;
  readonly #exports = new Map<string, ts.Symbol>();
  readonly #program: ts.Program;

  constructor() {
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const files = [...ENTRY_POINTS, PAGE_API.file, CONTRACT].map((file) => join(root, file));
    this.#program = ts.createProgram(files, { ...options, noEmit: true });
    this.checker = this.#program.getTypeChecker();
    for (const entry of ENTRY_POINTS) {
      const module = this.checker.getSymbolAtLocation(this.#sourceFile(entry));
      if (!module) throw new Error(`${entry} has no module symbol`);
      for (const symbol of this.checker.getExportsOfModule(module))
        this.#exports.set(symbol.name, this.#resolve(symbol));
    }
  }

  /** The symbol an entry point exports under `name`, aliases followed. */
  exported(name: string): ts.Symbol | undefined {
    return this.#exports.get(name);
  }

  /** The type a value export has (a function's, a class's static side). */
  valueType(symbol: ts.Symbol): ts.Type {
    return this.checker.getTypeOfSymbol(symbol);
  }

  /** The type a type export declares (an interface, a class's instances). */
  declaredType(symbol: ts.Symbol): ts.Type {
    return this.checker.getDeclaredTypeOfSymbol(symbol);
  }

  /** The property `name` of `type` (declared, not an index signature), looked up on its non-null apparent type. */
  property(type: ts.Type, name: string): ts.Symbol | undefined {
    const apparent = this.checker.getApparentType(this.checker.getNonNullableType(type));
    return this.checker.getPropertiesOfType(apparent).find((property) => property.name === name);
  }

  /** The type of a property or parameter symbol. */
  typeOf(symbol: ts.Symbol): ts.Type {
    return this.checker.getTypeOfSymbol(symbol);
  }

  /** The first call (or construct) signature of `type`. */
  signature(type: ts.Type, constructed: boolean): ts.Signature | undefined {
    const kind = constructed ? ts.SignatureKind.Construct : ts.SignatureKind.Call;
    return this.checker.getSignaturesOfType(this.checker.getNonNullableType(type), kind)[0];
  }

  /** The string literals a type admits, or undefined when it admits any string (or is no string type). */
  stringLiterals(type: ts.Type): string[] | undefined {
    const members = this.checker.getNonNullableType(type);
    const parts = members.isUnion() ? members.types : [members];
    if (!parts.every((part) => part.isStringLiteral())) return undefined;
    return parts.map((part) => (part as ts.StringLiteralType).value);
  }

  /** The `window.sseMonitor` interface of the browser runtime. */
  pageApi(): ts.Type {
    const module = this.checker.getSymbolAtLocation(this.#sourceFile(PAGE_API.file));
    const symbol = module && this.checker.getExportsOfModule(module).find((each) => each.name === PAGE_API.name);
    if (!symbol) throw new Error(`${PAGE_API.file} exports no ${PAGE_API.name}`);
    return this.checker.getDeclaredTypeOfSymbol(symbol);
  }

  /** The DOM event names the runtime dispatches: values of the contract's `*_DOM_EVENT` constants. */
  domEvents(): string[] {
    const module = this.checker.getSymbolAtLocation(this.#sourceFile(CONTRACT));
    if (!module) throw new Error(`${CONTRACT} has no module symbol`);
    return this.checker
      .getExportsOfModule(module)
      .filter((symbol) => symbol.name.endsWith('_DOM_EVENT'))
      .map((symbol) => this.checker.getTypeOfSymbol(symbol))
      .filter((type) => type.isStringLiteral())
      .map((type) => (type as ts.StringLiteralType).value);
  }

  #sourceFile(file: string): ts.SourceFile {
    const source = this.#program.getSourceFile(join(root, file));
    if (!source) throw new Error(`${file} is not in the program`);
    return source;
  }

  #resolve(symbol: ts.Symbol): ts.Symbol {
    return symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }
}
