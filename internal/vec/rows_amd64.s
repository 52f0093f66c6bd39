//go:build !purego

#include "textflag.h"

// SUM4 reduces the four lanes of Dot's running sums s0..s3 in acc to
// (s0+s1)+(s2+s3), Dot's own order, and stores it at dst. IEEE addition
// is commutative, so adding the swapped lanes gives s0+s1 and s2+s3
// exactly. Clobbers X6 and X7.
#define SUM4(acc, dst) \
	PSHUFD $0xB1, acc, X6 \
	ADDPS  X6, acc \
	MOVHLPS acc, X7 \
	ADDSS  X7, acc \
	MOVSS  acc, dst

// func dotRows4(out, w *float32, stride int, x *float32, n, blocks int)
TEXT ·dotRows4(SB), NOSPLIT, $0-48
	MOVQ out+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ stride+16(FP), R8
	SHLQ $2, R8              // row stride in bytes
	MOVQ x+24(FP), DX
	MOVQ n+32(FP), CX
	MOVQ blocks+40(FP), R9
	SHLQ $2, CX              // n in bytes

block:
	LEAQ (SI)(R8*1), R10     // rows 1, 2, 3 of the block
	LEAQ (R10)(R8*1), R11
	LEAQ (R11)(R8*1), R12
	XORPS X0, X0
	XORPS X1, X1
	XORPS X2, X2
	XORPS X3, X3
	XORQ  AX, AX

loop:
	MOVUPS (DX)(AX*1), X8
	MOVUPS (SI)(AX*1), X4
	MULPS  X8, X4
	ADDPS  X4, X0
	MOVUPS (R10)(AX*1), X5
	MULPS  X8, X5
	ADDPS  X5, X1
	MOVUPS (R11)(AX*1), X4
	MULPS  X8, X4
	ADDPS  X4, X2
	MOVUPS (R12)(AX*1), X5
	MULPS  X8, X5
	ADDPS  X5, X3
	ADDQ   $16, AX
	CMPQ   AX, CX
	JLT    loop

	SUM4(X0, 0(DI))
	SUM4(X1, 4(DI))
	SUM4(X2, 8(DI))
	SUM4(X3, 12(DI))
	ADDQ $16, DI
	LEAQ (R12)(R8*1), SI     // the next block's first row
	DECQ R9
	JNZ  block
	RET

// func axpy4(y *float32, a float32, x *float32, n int)
TEXT ·axpy4(SB), NOSPLIT, $0-32
	MOVQ  y+0(FP), DI
	MOVSS a+8(FP), X0
	SHUFPS $0, X0, X0        // a in every lane
	MOVQ  x+16(FP), SI
	MOVQ  n+24(FP), CX
	SHLQ  $2, CX
	XORQ  AX, AX

axloop:
	MOVUPS (SI)(AX*1), X1
	MULPS  X0, X1
	MOVUPS (DI)(AX*1), X2
	ADDPS  X1, X2
	MOVUPS X2, (DI)(AX*1)
	ADDQ   $16, AX
	CMPQ   AX, CX
	JLT    axloop
	RET

// func outerBack4(w, gw *[4][]float32, e *[4]float32, x, dx *float32, n int)
// A slice header is 24 bytes: the rows' data pointers are at 0, 24, 48, 72.
TEXT ·outerBack4(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), AX
	MOVQ 0(AX), R8           // w rows
	MOVQ 24(AX), R9
	MOVQ 48(AX), R10
	MOVQ 72(AX), R11
	MOVQ gw+8(FP), AX
	MOVQ 0(AX), R12          // gw rows
	MOVQ 24(AX), R13
	MOVQ 48(AX), BX
	MOVQ 72(AX), DX
	MOVQ e+16(FP), AX
	MOVSS 0(AX), X8
	SHUFPS $0, X8, X8
	MOVSS 4(AX), X9
	SHUFPS $0, X9, X9
	MOVSS 8(AX), X10
	SHUFPS $0, X10, X10
	MOVSS 12(AX), X11
	SHUFPS $0, X11, X11
	MOVQ x+24(FP), SI
	MOVQ dx+32(FP), DI
	MOVQ n+40(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

obloop:
	MOVUPS (SI)(AX*1), X0    // x
	// gw[k] += e[k]·x
	MOVAPS X0, X1
	MULPS  X8, X1
	MOVUPS (R12)(AX*1), X2
	ADDPS  X1, X2
	MOVUPS X2, (R12)(AX*1)
	MOVAPS X0, X1
	MULPS  X9, X1
	MOVUPS (R13)(AX*1), X2
	ADDPS  X1, X2
	MOVUPS X2, (R13)(AX*1)
	MOVAPS X0, X1
	MULPS  X10, X1
	MOVUPS (BX)(AX*1), X2
	ADDPS  X1, X2
	MOVUPS X2, (BX)(AX*1)
	MOVAPS X0, X1
	MULPS  X11, X1
	MOVUPS (DX)(AX*1), X2
	ADDPS  X1, X2
	MOVUPS X2, (DX)(AX*1)
	// dx += e[0]·w[0]; dx += e[1]·w[1]; ... in that order
	MOVUPS (DI)(AX*1), X3
	MOVUPS (R8)(AX*1), X1
	MULPS  X8, X1
	ADDPS  X1, X3
	MOVUPS (R9)(AX*1), X1
	MULPS  X9, X1
	ADDPS  X1, X3
	MOVUPS (R10)(AX*1), X1
	MULPS  X10, X1
	ADDPS  X1, X3
	MOVUPS (R11)(AX*1), X1
	MULPS  X11, X1
	ADDPS  X1, X3
	MOVUPS X3, (DI)(AX*1)
	ADDQ   $16, AX
	CMPQ   AX, CX
	JLT    obloop
	RET

// func addProd4(y, a, b *float32, n int)
TEXT ·addProd4(SB), NOSPLIT, $0-32
	MOVQ y+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

aploop:
	MOVUPS (SI)(AX*1), X1
	MOVUPS (DX)(AX*1), X2
	MULPS  X2, X1
	MOVUPS (DI)(AX*1), X3
	ADDPS  X1, X3
	MOVUPS X3, (DI)(AX*1)
	ADDQ   $16, AX
	CMPQ   AX, CX
	JLT    aploop
	RET
